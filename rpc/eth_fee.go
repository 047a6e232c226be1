package rpc

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// Fee methods. Quarry has no base fee (every fee goes to the miner), so
// the base fee is always zero and the whole price is the priority fee.
func (s *Server) registerEthFee() {
	if s.cfg.Pool != nil {
		s.register("eth_gasPrice", s.ethGasPrice)
		s.register("eth_maxPriorityFeePerGas", s.ethGasPrice)
	}
	s.register("eth_feeHistory", s.ethFeeHistory)
}

func (s *Server) ethGasPrice(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	p, err := s.cfg.Pool.SuggestGasPrice(ctx)
	if err != nil {
		return nil, err
	}
	return hexutil.U256(*p), nil
}

// rpcFeeHistory is eth_feeHistory's result.
type rpcFeeHistory struct {
	OldestBlock   hexutil.Uint64   `json:"oldestBlock"`
	BaseFeePerGas []hexutil.Uint64 `json:"baseFeePerGas"`
	GasUsedRatio  []float64        `json:"gasUsedRatio"`
	Reward        [][]hexutil.U256 `json:"reward,omitempty"`
}

// maxPercentiles bounds rewardPercentiles.
const maxPercentiles = 100

func (s *Server) ethFeeHistory(ctx context.Context, c *call) (any, error) {
	if err := c.arity(2, 3); err != nil {
		return nil, err
	}
	count, err := c.quantity(0, "blockCount")
	if err != nil {
		// Some clients send the count as a JSON number.
		if raw, ok := c.numberArg(0); ok {
			count = raw
		} else {
			return nil, err
		}
	}
	ref, err := c.blockNumberArg(1)
	if err != nil {
		return nil, err
	}
	var pcts []float64
	if c.has(2) {
		if err := decodeJSON(c.params[2], &pcts, true); err != nil {
			return nil, &paramError{2, "rewardPercentiles", err}
		}
		if len(pcts) > maxPercentiles {
			return nil, &paramError{2, "rewardPercentiles", fmt.Errorf("more than %d values", maxPercentiles)}
		}
		for i, p := range pcts {
			if p < 0 || p > 100 || (i > 0 && p < pcts[i-1]) {
				return nil, &paramError{2, "rewardPercentiles", fmt.Errorf("value %d (%v) not in [0, 100] or not increasing", i, p)}
			}
		}
	}
	count = min(count, s.cfg.MaxFeeHistory)
	newest := s.heightOf(ref)
	if head := s.cfg.Chain.Head().Height; newest > head {
		return nil, Errorf(ErrNotFound, "block %d beyond head %d", newest, head)
	}
	if count == 0 {
		return rpcFeeHistory{BaseFeePerGas: []hexutil.Uint64{}, GasUsedRatio: []float64{}}, nil
	}
	count = min(count, newest+1)
	oldest := newest + 1 - count
	out := rpcFeeHistory{
		OldestBlock:   hexutil.Uint64(oldest),
		BaseFeePerGas: make([]hexutil.Uint64, count+1), // zeros, one more for the next block
		GasUsedRatio:  make([]float64, count),
	}
	if len(pcts) > 0 {
		out.Reward = make([][]hexutil.U256, count)
	}
	for i := uint64(0); i < count; i++ {
		b, err := s.cfg.Chain.BlockByNumber(ctx, oldest+i)
		if err != nil {
			return nil, err
		}
		if b.Header.GasLimit > 0 {
			out.GasUsedRatio[i] = float64(b.Header.GasUsed) / float64(b.Header.GasLimit)
		}
		if len(pcts) > 0 {
			rewards, err := s.blockRewards(ctx, b, pcts)
			if err != nil {
				return nil, err
			}
			out.Reward[i] = rewards
		}
	}
	return out, nil
}

// numberArg reads argument i as a non-negative JSON integer.
func (c *call) numberArg(i int) (uint64, bool) {
	if !c.has(i) {
		return 0, false
	}
	var n uint64
	if err := decodeJSON(c.params[i], &n, true); err != nil {
		return 0, false
	}
	return n, true
}

// blockRewards returns the price per gas at each percentile of the block's
// gas, weighting each transaction by the gas it used (as geth does).
func (s *Server) blockRewards(ctx context.Context, b *types.Block, pcts []float64) ([]hexutil.U256, error) {
	out := make([]hexutil.U256, len(pcts))
	if len(b.Txs) == 0 {
		return out, nil
	}
	receipts, err := s.cfg.Chain.Receipts(ctx, b.Hash())
	if err != nil {
		return nil, err
	}
	if len(receipts) != len(b.Txs) {
		return nil, errors.New("receipts do not match the block's transactions")
	}
	type txGas struct {
		price uint256.Int
		gas   uint64
	}
	txs := make([]txGas, len(b.Txs))
	total := uint64(0)
	for i, tx := range b.Txs {
		txs[i] = txGas{tx.EffectiveGasPrice(), receipts[i].GasUsed}
		total += receipts[i].GasUsed
	}
	slices.SortStableFunc(txs, func(a, b txGas) int { return a.price.Cmp(&b.price) })
	idx, sum := 0, txs[0].gas
	for i, p := range pcts {
		threshold := uint64(float64(total) * p / 100)
		for sum < threshold && idx < len(txs)-1 {
			idx++
			sum += txs[idx].gas
		}
		out[i] = hexutil.U256(txs[idx].price)
	}
	return out, nil
}
