package rpc

import (
	"context"
	"errors"

	"github.com/quarry-chain/quarry/chain/types"
)

// eth_getLogs.
func (s *Server) registerEthLogs() {
	s.register("eth_getLogs", s.ethGetLogs)
}

// -32005 is the code providers use for queries over a size limit, which
// clients recognise as "narrow the range".
var (
	errRangeTooLarge  = &Kind{CodeLimitExceeded, "block range too large"}
	errTooManyResults = &Kind{CodeLimitExceeded, "query returned more than the result limit"}
	errInvalidRange   = &Kind{CodeInvalidParams, "invalid block range params"}
)

func (s *Server) ethGetLogs(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	raw, err := c.arg(0, "filter")
	if err != nil {
		return nil, err
	}
	crit, err := parseFilterCriteria(raw)
	if err != nil {
		return nil, &paramError{0, "filter", err}
	}
	return s.logs(ctx, crit)
}

// logs runs crit against the chain.
func (s *Server) logs(ctx context.Context, crit *filterCriteria) ([]*rpcLog, error) {
	out := []*rpcLog{}
	if crit.blockHash != nil {
		b, err := s.cfg.Chain.BlockByHash(ctx, *crit.blockHash)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return nil, Errorf(ErrNotFound, "unknown block %s", crit.blockHash)
			}
			return nil, err
		}
		return s.appendBlockLogs(ctx, out, b, crit)
	}
	from, to := s.heightOf(refOr(crit.fromBlock)), s.heightOf(refOr(crit.toBlock))
	head := s.cfg.Chain.Head().Height
	if from > to {
		return nil, Errorf(errInvalidRange, "fromBlock %d is after toBlock %d", from, to)
	}
	if to > head {
		to = head // as geth: a range beyond the tip ends at the tip
		if from > to {
			return out, nil
		}
	}
	if to-from >= s.cfg.MaxLogBlockRange {
		return nil, Errorf(errRangeTooLarge, "%d blocks, limit %d", to-from+1, s.cfg.MaxLogBlockRange)
	}
	for n := from; n <= to; n++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := s.cfg.Chain.BlockByNumber(ctx, n)
		if err != nil {
			return nil, err
		}
		if out, err = s.appendBlockLogs(ctx, out, b, crit); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// refOr returns *r, or latest for nil.
func refOr(r *blockRef) blockRef {
	if r == nil {
		return latest
	}
	return *r
}

// appendBlockLogs adds the block's matching logs, enforcing the result
// limit.
func (s *Server) appendBlockLogs(ctx context.Context, out []*rpcLog, b *types.Block, crit *filterCriteria) ([]*rpcLog, error) {
	if len(b.Txs) == 0 {
		return out, nil
	}
	receipts, err := s.cfg.Chain.Receipts(ctx, b.Hash())
	if err != nil {
		return nil, err
	}
	if !crit.bloomMatch(receiptsBloom(receipts)) {
		return out, nil
	}
	out = append(out, blockLogs(b, receipts, false, crit.match)...)
	if len(out) > s.cfg.MaxLogResults {
		return nil, Errorf(errTooManyResults, "limit %d logs", s.cfg.MaxLogResults)
	}
	return out, nil
}
