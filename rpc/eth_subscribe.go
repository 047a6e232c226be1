package rpc

import (
	"context"
	"errors"
	"fmt"
)

// eth_subscribe and eth_unsubscribe (WebSocket only).
func (s *Server) registerEthSubscribe() {
	s.register("eth_subscribe", s.ethSubscribe)
	s.register("eth_unsubscribe", s.ethUnsubscribe)
}

func (s *Server) ethSubscribe(ctx context.Context, c *call) (any, error) {
	if c.from.ws == nil {
		return nil, errNotifications
	}
	if s.cfg.Events == nil {
		return nil, errNoEvents
	}
	if err := c.arity(1, 2); err != nil {
		return nil, err
	}
	name, err := c.str(0, "subscription")
	if err != nil {
		return nil, err
	}
	sub := &subscription{id: newID(), conn: c.from.ws}
	switch name {
	case "newHeads":
		if err := c.arity(1, 1); err != nil {
			return nil, err
		}
		sub.kind = subNewHeads
	case "logs":
		sub.kind = subLogs
		sub.crit = new(filterCriteria)
		if c.has(1) {
			crit, err := parseFilterCriteria(c.params[1])
			if err != nil {
				return nil, &paramError{1, "filter", err}
			}
			if crit.fromBlock != nil || crit.toBlock != nil || crit.blockHash != nil {
				return nil, &paramError{1, "filter", errors.New("a logs subscription takes only address and topics")}
			}
			sub.crit = crit
		}
	case "newPendingTransactions":
		sub.kind = subPendingTxs
		full, err := c.boolean(1, "fullTransactions", false)
		if err != nil {
			return nil, err
		}
		sub.fullTx = full
	default:
		return nil, &paramError{0, "subscription", fmt.Errorf("unknown subscription %q (want newHeads, logs or newPendingTransactions)", name)}
	}
	if err := c.from.ws.addSub(sub); err != nil {
		return nil, err
	}
	// Start delivering once the response naming the id is queued.
	c.after = func() { c.from.ws.activate(sub) }
	return sub.id, nil
}

func (s *Server) ethUnsubscribe(ctx context.Context, c *call) (any, error) {
	if c.from.ws == nil {
		return nil, errNotifications
	}
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	id, err := c.str(0, "subscriptionId")
	if err != nil {
		return nil, err
	}
	sub, ok := c.from.ws.removeSub(id)
	if ok {
		s.hub.remove(sub)
	}
	return ok, nil
}
