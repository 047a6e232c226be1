package rpc

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// filterCriteria selects logs: eth_getLogs, eth_newFilter and the logs
// subscription.
type filterCriteria struct {
	fromBlock, toBlock *blockRef   // nil: latest
	blockHash          *types.Hash // exclusive with fromBlock/toBlock
	addresses          []types.Address
	// topics[i] lists the accepted values at position i; empty accepts
	// any (null in JSON).
	topics [][]types.Hash
}

// maxFilterAddresses bounds the addresses of one filter, so that matching
// cost stays small per log.
const maxFilterAddresses = 1000

// parseFilterCriteria decodes a filter object strictly.
func parseFilterCriteria(raw json.RawMessage) (*filterCriteria, error) {
	var obj struct {
		FromBlock json.RawMessage `json:"fromBlock"`
		ToBlock   json.RawMessage `json:"toBlock"`
		BlockHash *string         `json:"blockHash"`
		Address   json.RawMessage `json:"address"`
		Topics    json.RawMessage `json:"topics"`
	}
	if len(raw) == 0 || raw[0] != '{' {
		return nil, fmt.Errorf("want a filter object, got %s", jsonKind(raw))
	}
	if err := decodeJSON(raw, &obj, true); err != nil {
		return nil, err
	}
	crit := new(filterCriteria)
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  **blockRef
	}{{"fromBlock", obj.FromBlock, &crit.fromBlock}, {"toBlock", obj.ToBlock, &crit.toBlock}} {
		if len(f.raw) == 0 || string(f.raw) == "null" {
			continue
		}
		if f.raw[0] != '"' {
			return nil, fmt.Errorf("%s: want a block number or tag, got %s", f.name, jsonKind(f.raw))
		}
		ref, err := parseBlockRef(f.raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst = &ref
	}
	if obj.BlockHash != nil {
		if crit.fromBlock != nil || crit.toBlock != nil {
			return nil, errors.New("blockHash excludes fromBlock and toBlock")
		}
		var h types.Hash
		if err := hexutil.DecodeFixed(*obj.BlockHash, h[:]); err != nil {
			return nil, fmt.Errorf("blockHash: %w", err)
		}
		crit.blockHash = &h
	}
	addrs, err := parseAddressList(obj.Address)
	if err != nil {
		return nil, fmt.Errorf("address: %w", err)
	}
	crit.addresses = addrs
	topics, err := parseTopics(obj.Topics)
	if err != nil {
		return nil, fmt.Errorf("topics: %w", err)
	}
	crit.topics = topics
	return crit, nil
}

// parseAddressList accepts null, one address, or an array of them.
func parseAddressList(raw json.RawMessage) ([]types.Address, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var strs []string
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, errors.New(jsonErrorText(err))
		}
		strs = []string{s}
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			return nil, errors.New(jsonErrorText(err))
		}
		if len(elems) > maxFilterAddresses {
			return nil, fmt.Errorf("more than %d addresses", maxFilterAddresses)
		}
		for i, e := range elems {
			if len(e) == 0 || e[0] != '"' {
				return nil, fmt.Errorf("element %d: want an address string, got %s", i, jsonKind(e))
			}
			var s string
			if err := json.Unmarshal(e, &s); err != nil {
				return nil, errors.New(jsonErrorText(err))
			}
			strs = append(strs, s)
		}
	default:
		return nil, fmt.Errorf("want an address or an array of addresses, got %s", jsonKind(raw))
	}
	out := make([]types.Address, len(strs))
	for i, s := range strs {
		a, err := parseAddress(s)
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// parseTopics accepts null or an array of at most four entries, each null
// (any), a topic, or an array of alternatives (a null among them makes the
// position accept any).
func parseTopics(raw json.RawMessage) ([][]types.Hash, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '[' {
		return nil, fmt.Errorf("want an array, got %s", jsonKind(raw))
	}
	var positions []json.RawMessage
	if err := json.Unmarshal(raw, &positions); err != nil {
		return nil, errors.New(jsonErrorText(err))
	}
	if len(positions) > types.MaxLogTopics {
		return nil, fmt.Errorf("more than %d positions", types.MaxLogTopics)
	}
	out := make([][]types.Hash, len(positions))
	for i, p := range positions {
		switch {
		case string(p) == "null":
		case p[0] == '"':
			h, err := parseTopic(p)
			if err != nil {
				return nil, fmt.Errorf("position %d: %w", i, err)
			}
			out[i] = []types.Hash{h}
		case p[0] == '[':
			var alts []json.RawMessage
			if err := json.Unmarshal(p, &alts); err != nil {
				return nil, errors.New(jsonErrorText(err))
			}
			if len(alts) > maxFilterAddresses {
				return nil, fmt.Errorf("position %d: more than %d alternatives", i, maxFilterAddresses)
			}
			var hs []types.Hash
			wildcard := false
			for _, a := range alts {
				if string(a) == "null" {
					wildcard = true
					continue
				}
				h, err := parseTopic(a)
				if err != nil {
					return nil, fmt.Errorf("position %d: %w", i, err)
				}
				hs = append(hs, h)
			}
			if !wildcard {
				out[i] = hs
			}
		default:
			return nil, fmt.Errorf("position %d: want a topic, an array or null, got %s", i, jsonKind(p))
		}
	}
	return out, nil
}

func parseTopic(raw json.RawMessage) (types.Hash, error) {
	if raw[0] != '"' {
		return types.Hash{}, fmt.Errorf("want a topic string, got %s", jsonKind(raw))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return types.Hash{}, errors.New(jsonErrorText(err))
	}
	var h types.Hash
	if err := hexutil.DecodeFixed(s, h[:]); err != nil {
		return types.Hash{}, err
	}
	return h, nil
}

// match reports whether l passes the address and topic criteria.
func (c *filterCriteria) match(l *types.Log) bool {
	if len(c.addresses) > 0 {
		found := false
		for _, a := range c.addresses {
			if a == l.Address {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	// As geth: a filter with more positions than the log has topics does
	// not match it, even if the extra positions are wildcards.
	if len(c.topics) > len(l.Topics) {
		return false
	}
	for i, alts := range c.topics {
		if len(alts) == 0 {
			continue
		}
		found := false
		for _, t := range alts {
			if t == l.Topics[i] {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// bloomMatch reports whether a block or receipt with bloom may hold a
// matching log; false is certain.
func (c *filterCriteria) bloomMatch(b types.Bloom) bool {
	if len(c.addresses) > 0 {
		found := false
		for _, a := range c.addresses {
			if b.Test(a[:]) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	for _, alts := range c.topics {
		if len(alts) == 0 {
			continue
		}
		found := false
		for _, t := range alts {
			if b.Test(t[:]) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
