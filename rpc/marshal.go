package rpc

import (
	"context"
	"errors"
	"math/big"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// JSON shapes of Ethereum's execution-apis for blocks, transactions,
// receipts and logs, mapped from Quarry's types.

// emptyUnclesHash is Keccak-256(RLP([])): sha3Uncles of a block without
// uncles, which every Quarry block is.
var emptyUnclesHash = types.Keccak256([]byte{0xc0})

// rpcHeader is the header part of a block object, also sent by newHeads.
type rpcHeader struct {
	Number           hexutil.Uint64 `json:"number"`
	Hash             types.Hash     `json:"hash"`
	ParentHash       types.Hash     `json:"parentHash"`
	Nonce            hexutil.Bytes  `json:"nonce"`
	MixHash          types.Hash     `json:"mixHash"`
	Sha3Uncles       types.Hash     `json:"sha3Uncles"`
	LogsBloom        types.Bloom    `json:"logsBloom"`
	TransactionsRoot types.Hash     `json:"transactionsRoot"`
	StateRoot        types.Hash     `json:"stateRoot"`
	ReceiptsRoot     types.Hash     `json:"receiptsRoot"`
	Miner            types.Address  `json:"miner"`
	Difficulty       *hexutil.Big   `json:"difficulty"`
	ExtraData        hexutil.Bytes  `json:"extraData"`
	GasLimit         hexutil.Uint64 `json:"gasLimit"`
	GasUsed          hexutil.Uint64 `json:"gasUsed"`
	// Timestamp is in seconds as clients expect; Quarry's header keeps
	// milliseconds, served as timestampMs.
	Timestamp   hexutil.Uint64 `json:"timestamp"`
	TimestampMs hexutil.Uint64 `json:"timestampMs"`
	Bits        hexutil.Uint64 `json:"bits"`
}

// rpcBlock is a block object: header fields, then the body.
type rpcBlock struct {
	rpcHeader
	TotalDifficulty *hexutil.Big   `json:"totalDifficulty"`
	Size            hexutil.Uint64 `json:"size"`
	Transactions    []any          `json:"transactions"`
	Uncles          []types.Hash   `json:"uncles"`
}

// blockWork returns the work of a block with compact target bits,
// 2^256 / (target + 1), served as its difficulty; 0 for invalid bits.
func blockWork(bits uint32) *big.Int {
	target, err := types.CompactToTarget(bits)
	if err != nil || target.Sign() < 0 {
		return new(big.Int)
	}
	denom := new(big.Int).Add(target, big.NewInt(1))
	return new(big.Int).Div(new(big.Int).Lsh(big.NewInt(1), 256), denom)
}

// newRPCHeader maps a header; bloom is the OR of its receipts' blooms.
func newRPCHeader(h *types.Header, bloom types.Bloom) rpcHeader {
	var nonce [8]byte
	for i := range 8 {
		nonce[i] = byte(h.Nonce >> (56 - 8*i))
	}
	return rpcHeader{
		Number:           hexutil.Uint64(h.Height),
		Hash:             h.Hash(),
		ParentHash:       h.ParentHash,
		Nonce:            nonce[:],
		Sha3Uncles:       emptyUnclesHash,
		LogsBloom:        bloom,
		TransactionsRoot: h.TxRoot,
		StateRoot:        h.StateRoot,
		ReceiptsRoot:     h.ReceiptsRoot,
		Miner:            h.Coinbase,
		Difficulty:       (*hexutil.Big)(blockWork(h.Bits)),
		ExtraData:        h.Extra[:],
		GasLimit:         hexutil.Uint64(h.GasLimit),
		GasUsed:          hexutil.Uint64(h.GasUsed),
		Timestamp:        hexutil.Uint64(h.Time / 1000),
		TimestampMs:      hexutil.Uint64(h.Time),
		Bits:             hexutil.Uint64(h.Bits),
	}
}

// receiptsBloom ORs the receipts' blooms: the block's logs bloom, which
// Quarry's header does not carry.
func receiptsBloom(receipts []*types.Receipt) types.Bloom {
	var b types.Bloom
	for _, r := range receipts {
		b.Or(&r.Bloom)
	}
	return b
}

// rpcBlockFor builds the block object. full selects transaction objects
// over hashes.
func (s *Server) rpcBlockFor(ctx context.Context, b *types.Block, full bool) (*rpcBlock, error) {
	hash := b.Hash()
	var bloom types.Bloom
	if len(b.Txs) > 0 {
		receipts, err := s.cfg.Chain.Receipts(ctx, hash)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return nil, err
		}
		bloom = receiptsBloom(receipts)
	}
	td, err := s.cfg.Chain.TotalWork(ctx, hash)
	if err != nil {
		return nil, err
	}
	out := &rpcBlock{
		rpcHeader:       newRPCHeader(b.Header, bloom),
		TotalDifficulty: (*hexutil.Big)(td),
		Size:            hexutil.Uint64(b.Size()),
		Transactions:    make([]any, len(b.Txs)),
		Uncles:          []types.Hash{},
	}
	for i, tx := range b.Txs {
		if full {
			out.Transactions[i] = s.newRPCTx(tx, &txPos{hash, b.Height(), uint64(i)})
		} else {
			out.Transactions[i] = tx.Hash()
		}
	}
	return out, nil
}

// txPos places a mined transaction; nil for a pending one.
type txPos struct {
	blockHash types.Hash
	height    uint64
	index     uint64
}

// rpcTx is a transaction object.
type rpcTx struct {
	BlockHash            *types.Hash      `json:"blockHash"`
	BlockNumber          *hexutil.Uint64  `json:"blockNumber"`
	TransactionIndex     *hexutil.Uint64  `json:"transactionIndex"`
	Hash                 types.Hash       `json:"hash"`
	Type                 hexutil.Uint64   `json:"type"`
	ChainID              hexutil.Uint64   `json:"chainId"`
	Nonce                hexutil.Uint64   `json:"nonce"`
	From                 types.Address    `json:"from"`
	To                   *types.Address   `json:"to"`
	Value                hexutil.U256     `json:"value"`
	Gas                  hexutil.Uint64   `json:"gas"`
	GasPrice             hexutil.U256     `json:"gasPrice"`
	MaxFeePerGas         *hexutil.U256    `json:"maxFeePerGas,omitempty"`
	MaxPriorityFeePerGas *hexutil.U256    `json:"maxPriorityFeePerGas,omitempty"`
	Input                hexutil.Bytes    `json:"input"`
	AccessList           *[]rpcAccessItem `json:"accessList,omitempty"`
	V                    hexutil.U256     `json:"v"`
	R                    hexutil.U256     `json:"r"`
	S                    hexutil.U256     `json:"s"`
	YParity              *hexutil.Uint64  `json:"yParity,omitempty"`
}

// rpcAccessItem is one EIP-2930 access list entry.
type rpcAccessItem struct {
	Address     types.Address `json:"address"`
	StorageKeys []types.Hash  `json:"storageKeys"`
}

// newRPCTx maps tx; pos is nil for a pending transaction.
func (s *Server) newRPCTx(tx *types.Transaction, pos *txPos) *rpcTx {
	from, _ := s.sender(tx) // chain and pool transactions were verified
	out := &rpcTx{
		Hash:    tx.Hash(),
		Type:    hexutil.Uint64(tx.Type),
		ChainID: hexutil.Uint64(tx.ChainID),
		Nonce:   hexutil.Uint64(tx.Nonce),
		From:    from,
		To:      tx.To,
		Value:   hexutil.U256(tx.Value),
		Gas:     hexutil.Uint64(tx.Gas),
		Input:   hexutil.Bytes(tx.Data),
		V:       hexutil.U256(tx.V),
		R:       hexutil.U256(tx.R),
		S:       hexutil.U256(tx.S),
	}
	if out.Input == nil {
		out.Input = hexutil.Bytes{}
	}
	price := tx.EffectiveGasPrice()
	out.GasPrice = hexutil.U256(price)
	if tx.Type == types.DynamicFeeTxType {
		feeCap, tip := hexutil.U256(tx.GasFeeCap), hexutil.U256(tx.GasTipCap)
		out.MaxFeePerGas, out.MaxPriorityFeePerGas = &feeCap, &tip
	}
	if tx.Type != types.LegacyTxType {
		al := make([]rpcAccessItem, len(tx.AccessList))
		for i, t := range tx.AccessList {
			al[i] = rpcAccessItem{Address: t.Address, StorageKeys: append([]types.Hash{}, t.StorageKeys...)}
		}
		out.AccessList = &al
		parity := hexutil.Uint64(tx.V.Uint64())
		out.YParity = &parity
	}
	if pos != nil {
		bh, n, i := pos.blockHash, hexutil.Uint64(pos.height), hexutil.Uint64(pos.index)
		out.BlockHash, out.BlockNumber, out.TransactionIndex = &bh, &n, &i
	}
	return out
}

// rpcLog is a log object.
type rpcLog struct {
	Address          types.Address  `json:"address"`
	Topics           []types.Hash   `json:"topics"`
	Data             hexutil.Bytes  `json:"data"`
	BlockNumber      hexutil.Uint64 `json:"blockNumber"`
	BlockHash        types.Hash     `json:"blockHash"`
	TransactionHash  types.Hash     `json:"transactionHash"`
	TransactionIndex hexutil.Uint64 `json:"transactionIndex"`
	LogIndex         hexutil.Uint64 `json:"logIndex"`
	Removed          bool           `json:"removed"`
}

// blockLogs returns every log of a block in order, with logIndex counted
// across the whole block, keeping those keep accepts (nil: all).
func blockLogs(b *types.Block, receipts []*types.Receipt, removed bool, keep func(*types.Log) bool) []*rpcLog {
	var out []*rpcLog
	hash := b.Hash()
	index := uint64(0)
	for i, r := range receipts {
		if i >= len(b.Txs) {
			break
		}
		for _, l := range r.Logs {
			if keep == nil || keep(l) {
				out = append(out, newRPCLog(l, hash, b.Height(), b.Txs[i].Hash(), uint64(i), index, removed))
			}
			index++
		}
	}
	return out
}

func newRPCLog(l *types.Log, blockHash types.Hash, height uint64, txHash types.Hash, txIndex, logIndex uint64, removed bool) *rpcLog {
	topics := l.Topics
	if topics == nil {
		topics = []types.Hash{}
	}
	data := hexutil.Bytes(l.Data)
	if data == nil {
		data = hexutil.Bytes{}
	}
	return &rpcLog{
		Address:          l.Address,
		Topics:           topics,
		Data:             data,
		BlockNumber:      hexutil.Uint64(height),
		BlockHash:        blockHash,
		TransactionHash:  txHash,
		TransactionIndex: hexutil.Uint64(txIndex),
		LogIndex:         hexutil.Uint64(logIndex),
		Removed:          removed,
	}
}

// rpcReceipt is a receipt object.
type rpcReceipt struct {
	TransactionHash   types.Hash     `json:"transactionHash"`
	TransactionIndex  hexutil.Uint64 `json:"transactionIndex"`
	BlockHash         types.Hash     `json:"blockHash"`
	BlockNumber       hexutil.Uint64 `json:"blockNumber"`
	From              types.Address  `json:"from"`
	To                *types.Address `json:"to"`
	CumulativeGasUsed hexutil.Uint64 `json:"cumulativeGasUsed"`
	GasUsed           hexutil.Uint64 `json:"gasUsed"`
	EffectiveGasPrice hexutil.U256   `json:"effectiveGasPrice"`
	ContractAddress   *types.Address `json:"contractAddress"`
	Logs              []*rpcLog      `json:"logs"`
	LogsBloom         types.Bloom    `json:"logsBloom"`
	Type              hexutil.Uint64 `json:"type"`
	Status            hexutil.Uint64 `json:"status"`
}

// newRPCReceipt builds the receipt object of r, a receipt with its lookup
// fields filled, whose first log is the block's logIndex-th.
func newRPCReceipt(r *types.Receipt, logIndex uint64) *rpcReceipt {
	logs := make([]*rpcLog, len(r.Logs)) // never null: see blockReceipts
	for i, l := range r.Logs {
		logs[i] = newRPCLog(l, r.BlockHash, r.BlockNumber, r.TxHash, uint64(r.TxIndex), logIndex+uint64(i), false)
	}
	return &rpcReceipt{
		TransactionHash:   r.TxHash,
		TransactionIndex:  hexutil.Uint64(r.TxIndex),
		BlockHash:         r.BlockHash,
		BlockNumber:       hexutil.Uint64(r.BlockNumber),
		From:              r.From,
		To:                r.To,
		CumulativeGasUsed: hexutil.Uint64(r.CumulativeGasUsed),
		GasUsed:           hexutil.Uint64(r.GasUsed),
		EffectiveGasPrice: hexutil.U256(r.EffectiveGasPrice),
		LogsBloom:         r.Bloom,
		Type:              hexutil.Uint64(r.Type),
		Status:            hexutil.Uint64(r.Status),
		Logs:              logs,
		ContractAddress:   r.ContractAddress,
	}
}

// blockReceipts builds the receipt objects of a whole block. Positions,
// senders and addresses come from the block, so only the receipts'
// consensus fields are read.
func (s *Server) blockReceipts(b *types.Block, receipts []*types.Receipt) ([]*rpcReceipt, error) {
	if len(receipts) != len(b.Txs) {
		return nil, errors.New("receipts do not match the block's transactions")
	}
	logs := blockLogs(b, receipts, false, nil)
	if logs == nil {
		// A receipt's logs are an array, never null: ethers v6 refuses a
		// receipt whose logs are null ("invalid value for value.logs").
		logs = []*rpcLog{}
	}
	hash := b.Hash()
	out := make([]*rpcReceipt, len(receipts))
	for i, r := range receipts {
		tx := b.Txs[i]
		from, _ := s.sender(tx)
		rr := &rpcReceipt{
			TransactionHash:   tx.Hash(),
			TransactionIndex:  hexutil.Uint64(i),
			BlockHash:         hash,
			BlockNumber:       hexutil.Uint64(b.Height()),
			From:              from,
			To:                tx.To,
			CumulativeGasUsed: hexutil.Uint64(r.CumulativeGasUsed),
			GasUsed:           hexutil.Uint64(r.GasUsed),
			EffectiveGasPrice: hexutil.U256(tx.EffectiveGasPrice()),
			LogsBloom:         r.Bloom,
			Type:              hexutil.Uint64(tx.Type),
			Status:            hexutil.Uint64(r.Status),
			Logs:              logs[:len(r.Logs):len(r.Logs)],
		}
		logs = logs[len(r.Logs):]
		if tx.To == nil {
			addr := types.ContractAddress(from, tx.Nonce)
			rr.ContractAddress = &addr
		}
		out[i] = rr
	}
	return out, nil
}
