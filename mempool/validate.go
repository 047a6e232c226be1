package mempool

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/quarry-chain/quarry/chain/types"
)

// errNilTx is returned for a nil transaction, a caller's bug.
var errNilTx = errors.New("mempool: nil transaction")

// unprotectedV0 and unprotectedV1 are the V values of a legacy signature without
// EIP-155 replay protection.
const (
	unprotectedV0 = 27
	unprotectedV1 = 28
)

// checkStateless applies the rules that need only the transaction and
// the chain parameters, cheapest first, before any signature is checked.
func (p *Pool) checkStateless(tx *types.Transaction) (*poolTx, error) {
	if tx == nil {
		return nil, errNilTx
	}
	if tx.Type > types.DynamicFeeTxType {
		return nil, txError(ErrTxTypeNotSupported, types.Hash{}, types.ErrTxTypeNotSupported, tx.Type.String())
	}
	hash := tx.Hash()
	size := tx.Size()
	if limit := min(uint64(p.cfg.MaxTxSize), p.maxBlockBytes); uint64(size) > limit {
		return nil, txError(ErrOversizedData, hash, types.ErrTxTooLarge, fmt.Sprintf("%d bytes, limit %d", size, limit))
	}
	if tx.Type == types.LegacyTxType && (tx.V.IsUint64() && (tx.V.Uint64() == unprotectedV0 || tx.V.Uint64() == unprotectedV1)) {
		return nil, txError(ErrInvalidSender, hash, types.ErrUnprotectedTx, "")
	}
	if tx.ChainID != p.chainID {
		return nil, txError(ErrInvalidChainID, hash, types.ErrInvalidChainID,
			fmt.Sprintf("have %d want %d", tx.ChainID, p.chainID))
	}
	if tx.Gas > p.gasLimit {
		return nil, txError(ErrGasLimit, hash, nil, fmt.Sprintf("gas %d, block gas limit %d", tx.Gas, p.gasLimit))
	}
	intrinsic, err := types.IntrinsicGas(tx)
	if err != nil {
		return nil, txError(ErrIntrinsicGas, hash, err, "")
	}
	if tx.Gas < intrinsic {
		return nil, txError(ErrIntrinsicGas, hash, nil, fmt.Sprintf("gas %d, minimum needed %d", tx.Gas, intrinsic))
	}
	if tx.Type == types.DynamicFeeTxType && tx.GasTipCap.Gt(&tx.GasFeeCap) {
		return nil, txError(ErrTipAboveFeeCap, hash, nil,
			fmt.Sprintf("maxPriorityFeePerGas: %s, maxFeePerGas: %s", tx.GasTipCap.Dec(), tx.GasFeeCap.Dec()))
	}
	ptx := &poolTx{tx: tx, hash: hash, nonce: tx.Nonce, price: tx.EffectiveGasPrice(), size: size}
	if ptx.price.Lt(p.cfg.MinGasPrice) {
		return nil, txError(ErrUnderpriced, hash, nil,
			fmt.Sprintf("gas price %s below the minimum %s", ptx.price.Dec(), p.cfg.MinGasPrice.Dec()))
	}
	if tx.Nonce == ^uint64(0) {
		return nil, txError(ErrNonceMax, hash, nil, fmt.Sprintf("nonce %d", tx.Nonce))
	}
	cost, err := tx.Cost()
	if err != nil {
		return nil, txError(ErrInsufficientFunds, hash, err, "")
	}
	ptx.cost = cost
	return ptx, nil
}

// minTxsPerWorker is the smallest share of a batch worth a goroutine: a
// recovery costs tens of microseconds, a goroutine well under one.
const minTxsPerWorker = 4

// recoverSenders sets the sender of every ptxs[i] whose errs[i] is nil,
// verifying signatures on up to VerifyWorkers goroutines; a failure sets
// errs[i]. Senders already in the signature cache are not verified again.
func (p *Pool) recoverSenders(ptxs []*poolTx, errs []error) {
	todo := make([]int, 0, len(ptxs))
	for i, ptx := range ptxs {
		if errs[i] != nil {
			continue
		}
		if a, ok := p.sigs.Get(ptx.hash); ok {
			ptx.sender = a
			continue
		}
		todo = append(todo, i)
	}
	workers := p.cfg.VerifyWorkers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	workers = max(1, min(workers, len(todo)/minTxsPerWorker))
	var next atomic.Int64
	work := func() {
		for {
			k := int(next.Add(1) - 1)
			if k >= len(todo) {
				return
			}
			i := todo[k]
			ptxs[i].sender, errs[i] = p.recoverSender(ptxs[i])
		}
	}
	if workers == 1 {
		work()
		return
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(work)
	}
	wg.Wait()
}

// recoverSender verifies ptx's signature and returns its sender.
func (p *Pool) recoverSender(ptx *poolTx) (types.Address, error) {
	a, err := p.signer.Sender(ptx.tx)
	switch {
	case err == nil:
		return a, nil
	case errors.Is(err, types.ErrInvalidChainID):
		return types.Address{}, txError(ErrInvalidChainID, ptx.hash, err, "")
	default:
		return types.Address{}, txError(ErrInvalidSender, ptx.hash, err, "")
	}
}
