package rpc

import (
	"context"
)

// miner_ methods (restricted: see Config.AuthToken).
func (s *Server) registerMiner() {
	s.register("miner_start", s.minerStart)
	s.register("miner_stop", s.minerStop)
	s.register("miner_setThreads", s.minerSetThreads)
	s.register("miner_setEtherbase", s.minerSetEtherbase)
}

// maxMinerThreads bounds a thread count from a client.
const maxMinerThreads = 1024

// threadsArg decodes an optional thread count, as a quantity or (as geth's
// console sends) a JSON number.
func (c *call) threadsArg(i int) (int, error) {
	if !c.has(i) {
		return 0, nil
	}
	n, err := c.quantity(i, "threads")
	if err != nil {
		v, ok := c.numberArg(i)
		if !ok {
			return 0, err
		}
		n = v
	}
	if n > maxMinerThreads {
		return 0, &paramError{i, "threads", errTooManyThreads}
	}
	return int(n), nil
}

var errTooManyThreads = Errorf(&Kind{CodeInvalidParams, "too many threads"}, "limit %d", maxMinerThreads)

func (s *Server) minerStart(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 1); err != nil {
		return nil, err
	}
	n, err := c.threadsArg(0)
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Mining.Start(n); err != nil {
		return nil, err
	}
	return nil, nil
}

func (s *Server) minerStop(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	if err := s.cfg.Mining.Stop(); err != nil {
		return nil, err
	}
	return nil, nil
}

func (s *Server) minerSetThreads(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	n, err := c.threadsArg(0)
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Mining.SetThreads(n); err != nil {
		return nil, err
	}
	return true, nil
}

func (s *Server) minerSetEtherbase(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	addr, err := c.address(0, "address")
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Mining.SetCoinbase(addr); err != nil {
		return nil, err
	}
	return true, nil
}
