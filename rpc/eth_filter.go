package rpc

import (
	"context"
	"errors"
)

// Polling filters: eth_newFilter, eth_newBlockFilter,
// eth_newPendingTransactionFilter, eth_getFilterChanges,
// eth_getFilterLogs, eth_uninstallFilter.
func (s *Server) registerEthFilters() {
	s.register("eth_newFilter", s.ethNewFilter)
	s.register("eth_newBlockFilter", s.ethNewBlockFilter)
	s.register("eth_newPendingTransactionFilter", s.ethNewPendingTxFilter)
	s.register("eth_getFilterChanges", s.ethGetFilterChanges)
	s.register("eth_getFilterLogs", s.ethGetFilterLogs)
	s.register("eth_uninstallFilter", s.ethUninstallFilter)
}

// errNoEvents: filters need an event source.
var errNoEvents = &Kind{CodeServer, "filters and subscriptions are not available on this node"}

func (s *Server) ethNewFilter(ctx context.Context, c *call) (any, error) {
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
	if s.cfg.Events == nil {
		return nil, errNoEvents
	}
	return s.filters.install(&installedFilter{kind: logFilter, crit: crit})
}

func (s *Server) ethNewBlockFilter(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 0); err != nil {
		return nil, err
	}
	if s.cfg.Events == nil {
		return nil, errNoEvents
	}
	return s.filters.install(&installedFilter{kind: blockFilter})
}

func (s *Server) ethNewPendingTxFilter(ctx context.Context, c *call) (any, error) {
	if err := c.arity(0, 1); err != nil {
		return nil, err
	}
	if full, err := c.boolean(0, "fullTransactions", false); err != nil {
		return nil, err
	} else if full {
		return nil, &paramError{0, "fullTransactions", errors.New("only hashes are supported")}
	}
	if s.cfg.Events == nil {
		return nil, errNoEvents
	}
	return s.filters.install(&installedFilter{kind: pendingTxFilter})
}

// filterID decodes a filter id argument (a quantity-form hex string).
func (c *call) filterID(i int) (string, error) {
	id, err := c.str(i, "filterId")
	if err != nil {
		return "", err
	}
	return id, nil
}

func (s *Server) ethGetFilterChanges(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	id, err := c.filterID(0)
	if err != nil {
		return nil, err
	}
	changes, ok := s.filters.changes(id)
	if !ok {
		return nil, errFilterNotFound
	}
	return changes, nil
}

func (s *Server) ethGetFilterLogs(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	id, err := c.filterID(0)
	if err != nil {
		return nil, err
	}
	f, ok := s.filters.get(id)
	if !ok || f.kind != logFilter {
		return nil, errFilterNotFound
	}
	return s.logs(ctx, f.crit)
}

func (s *Server) ethUninstallFilter(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	id, err := c.filterID(0)
	if err != nil {
		return nil, err
	}
	return s.filters.uninstall(id), nil
}
