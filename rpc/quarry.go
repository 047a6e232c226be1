package rpc

import (
	"context"
	"errors"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// quarry_ methods: what is specific to proof of work.
func (s *Server) registerQuarry() {
	s.register("quarry_difficulty", s.quarryDifficulty)
	if s.cfg.PoW != nil {
		s.register("quarry_chainTips", s.quarryChainTips)
		s.register("quarry_reorgs", s.quarryReorgs)
	}
	if s.cfg.Mining != nil {
		// Work for external miners is not restricted: like
		// eth_getWork, it gives away nothing and cannot redirect rewards.
		s.register("quarry_getWork", s.quarryGetWork)
		s.register("quarry_submitWork", s.quarrySubmitWork)
	}
}

type rpcDifficulty struct {
	Height     hexutil.Uint64 `json:"height"`
	Hash       types.Hash     `json:"hash"`
	Bits       hexutil.Uint64 `json:"bits"`
	Target     types.Hash     `json:"target"`
	Difficulty *hexutil.Big   `json:"difficulty"`
	TotalWork  *hexutil.Big   `json:"totalWork"`
}

// quarryDifficulty describes the proof of work at a block (default the
// tip): its compact bits, the 256-bit target they encode, its work
// (served as difficulty) and the chain's cumulative work.
func (s *Server) quarryDifficulty(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 1); err != nil {
		return nil, err
	}
	ref, err := c.blockRef(0, "block", latest)
	if err != nil {
		return nil, err
	}
	h, err := s.stateHeader(ctx, ref)
	if err != nil {
		return nil, err
	}
	hash := h.Hash()
	var target types.Hash
	if t, err := types.CompactToTarget(h.Bits); err == nil {
		target, _ = types.TargetToHash(t)
	}
	tw, err := s.cfg.Chain.TotalWork(ctx, hash)
	if err != nil {
		return nil, err
	}
	return rpcDifficulty{
		Height: hexutil.Uint64(h.Height), Hash: hash, Bits: hexutil.Uint64(h.Bits), Target: target,
		Difficulty: (*hexutil.Big)(blockWork(h.Bits)), TotalWork: (*hexutil.Big)(tw),
	}, nil
}

type rpcChainTip struct {
	Hash      types.Hash     `json:"hash"`
	Height    hexutil.Uint64 `json:"height"`
	TotalWork *hexutil.Big   `json:"totalWork"`
	BranchLen hexutil.Uint64 `json:"branchLen"`
	Status    string         `json:"status"`
}

func (s *Server) quarryChainTips(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	tips, err := s.cfg.PoW.ChainTips(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]rpcChainTip, len(tips))
	for i, t := range tips {
		out[i] = rpcChainTip{t.Hash, hexutil.Uint64(t.Height), (*hexutil.Big)(t.TotalWork), hexutil.Uint64(t.BranchLen), t.Status}
	}
	return out, nil
}

type rpcReorg struct {
	TimeMs       hexutil.Uint64 `json:"timeMs"`
	Fork         types.Hash     `json:"fork"`
	ForkHeight   hexutil.Uint64 `json:"forkHeight"`
	OldTip       types.Hash     `json:"oldTip"`
	NewTip       types.Hash     `json:"newTip"`
	Disconnected hexutil.Uint64 `json:"disconnected"`
	Connected    hexutil.Uint64 `json:"connected"`
}

// defaultReorgs and maxReorgs bound quarry_reorgs.
const (
	defaultReorgs = 20
	maxReorgs     = 1000
)

func (s *Server) quarryReorgs(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 1); err != nil {
		return nil, err
	}
	limit := uint64(defaultReorgs)
	if c.has(0) {
		n, err := c.quantity(0, "limit")
		if err != nil {
			return nil, err
		}
		limit = min(n, maxReorgs)
	}
	rs, err := s.cfg.PoW.Reorgs(ctx, int(limit))
	if err != nil {
		return nil, err
	}
	out := make([]rpcReorg, len(rs))
	for i, r := range rs {
		out[i] = rpcReorg{hexutil.Uint64(r.Time), r.Fork, hexutil.Uint64(r.ForkHeight), r.OldTip, r.NewTip, hexutil.Uint64(r.Disconnected), hexutil.Uint64(r.Connected)}
	}
	return out, nil
}

type rpcWork struct {
	ID     types.Hash     `json:"id"`
	Header hexutil.Bytes  `json:"header"` // the 212-byte encoding; vary time and nonce
	Height hexutil.Uint64 `json:"height"`
	Bits   hexutil.Uint64 `json:"bits"`
	Target types.Hash     `json:"target"`
	// Offsets of the fields a miner varies in the encoded header.
	TimeOffset  hexutil.Uint64 `json:"timeOffset"`
	NonceOffset hexutil.Uint64 `json:"nonceOffset"`
}

func (s *Server) quarryGetWork(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	w, err := s.cfg.Mining.GetWork(ctx)
	if err != nil {
		return nil, err
	}
	return rpcWork{
		ID: w.ID, Header: w.Header.Encode(), Height: hexutil.Uint64(w.Header.Height),
		Bits: hexutil.Uint64(w.Header.Bits), Target: w.Target,
		TimeOffset: types.TimeOffset, NonceOffset: types.NonceOffset,
	}, nil
}

// quarrySubmitWork takes (id, time, nonce) and answers true when the block
// was accepted, false for stale or unknown work; other rejections are
// errors naming the broken rule.
func (s *Server) quarrySubmitWork(ctx context.Context, c *call) (any, error) {
	if err := c.arity(3, 3); err != nil {
		return nil, err
	}
	id, err := c.hash(0, "id")
	if err != nil {
		return nil, err
	}
	tm, err := c.quantity(1, "time")
	if err != nil {
		return nil, err
	}
	nonce, err := c.quantity(2, "nonce")
	if err != nil {
		return nil, err
	}
	err = s.cfg.Mining.SubmitWork(ctx, id, tm, nonce)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrUnknownWork):
		return false, nil
	}
	return nil, err
}
