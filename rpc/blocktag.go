package rpc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// blockTag says how a block parameter names its block.
type blockTag int

const (
	tagLatest blockTag = iota
	tagPending
	tagEarliest
	tagSafe
	tagFinalized
	tagNumber
	tagHash
)

// blockRef is a decoded block parameter: a tag, a number, or (EIP-1898) a
// hash that may be required to be in the active chain.
type blockRef struct {
	tag              blockTag
	number           uint64
	hash             types.Hash
	requireCanonical bool
}

var latest = blockRef{tag: tagLatest}

var tagNames = map[string]blockTag{
	"latest":    tagLatest,
	"pending":   tagPending,
	"earliest":  tagEarliest,
	"safe":      tagSafe,
	"finalized": tagFinalized,
}

// blockHashLen is the length of a block hash as a hex string: "0x" and 64
// digits. A block parameter string of that length is a hash, as geth
// takes it, which no quantity can be (quantities have no leading zeros,
// and 2^252 blocks are not to be).
const blockHashLen = 2 + 2*len(types.Hash{})

// parseBlockRef decodes a block parameter: a tag, a quantity, a block hash,
// or an EIP-1898 object {"blockNumber": q} or {"blockHash": h,
// "requireCanonical": b}.
func parseBlockRef(raw json.RawMessage) (blockRef, error) {
	if len(raw) == 0 {
		return blockRef{}, errMissing
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return blockRef{}, errors.New(jsonErrorText(err))
		}
		if len(s) == blockHashLen {
			var h types.Hash
			if err := hexutil.DecodeFixed(s, h[:]); err != nil {
				return blockRef{}, fmt.Errorf("block hash: %w", err)
			}
			return blockRef{tag: tagHash, hash: h}, nil
		}
		return parseBlockString(s)
	case '{':
		var obj struct {
			BlockNumber      *string `json:"blockNumber"`
			BlockHash        *string `json:"blockHash"`
			RequireCanonical *bool   `json:"requireCanonical"`
		}
		if err := decodeJSON(raw, &obj, true); err != nil {
			return blockRef{}, err
		}
		switch {
		case obj.BlockNumber != nil && obj.BlockHash != nil:
			return blockRef{}, errors.New("blockNumber and blockHash are mutually exclusive")
		case obj.BlockHash != nil:
			var h types.Hash
			if err := hexutil.DecodeFixed(*obj.BlockHash, h[:]); err != nil {
				return blockRef{}, fmt.Errorf("blockHash: %w", err)
			}
			return blockRef{tag: tagHash, hash: h, requireCanonical: obj.RequireCanonical != nil && *obj.RequireCanonical}, nil
		case obj.BlockNumber != nil:
			if obj.RequireCanonical != nil {
				return blockRef{}, errors.New("requireCanonical applies only to blockHash")
			}
			return parseBlockString(*obj.BlockNumber)
		}
		return blockRef{}, errors.New("object needs blockNumber or blockHash")
	}
	return blockRef{}, fmt.Errorf("want a block number, tag or EIP-1898 object, got %s", jsonKind(raw))
}

// parseBlockString decodes a tag or a quantity.
func parseBlockString(s string) (blockRef, error) {
	if t, ok := tagNames[s]; ok {
		return blockRef{tag: t}, nil
	}
	if len(s) < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') {
		return blockRef{}, fmt.Errorf("unknown block tag %q (want latest, pending, earliest, safe, finalized or a hex number)", s)
	}
	n, err := hexutil.DecodeUint64(s)
	if err != nil {
		return blockRef{}, err
	}
	return blockRef{tag: tagNumber, number: n}, nil
}

// blockRefArg decodes argument i as a block parameter, def when absent.
func (c *call) blockRef(i int, name string, def blockRef) (blockRef, error) {
	if !c.has(i) {
		return def, nil
	}
	ref, err := parseBlockRef(c.params[i])
	if err != nil {
		return blockRef{}, &paramError{i, name, err}
	}
	return ref, nil
}

// errHeaderNotFound is geth's answer for a state query at an unknown block.
var errHeaderNotFound = Errorf(ErrNotFound, "header not found")

// header resolves ref to a header. An unknown block is an error wrapping
// ErrNotFound.
func (s *Server) header(ctx context.Context, ref blockRef) (*types.Header, error) {
	chain := s.cfg.Chain
	switch ref.tag {
	case tagLatest, tagPending:
		// Quarry has no pending block: the miner's template is not served,
		// so "pending" reads the tip (transaction counts read the pool).
		return chain.Head(), nil
	case tagHash:
		h, err := chain.HeaderByHash(ctx, ref.hash)
		if err != nil {
			return nil, err
		}
		if ref.requireCanonical && !chain.InMainChain(ctx, ref.hash) {
			return nil, Errorf(ErrNotFound, "block %s is not in the active chain", ref.hash)
		}
		return h, nil
	}
	return chain.HeaderByNumber(ctx, s.heightOf(ref))
}

// heightOf returns the height a non-hash ref names.
func (s *Server) heightOf(ref blockRef) uint64 {
	head := s.cfg.Chain.Head().Height
	switch ref.tag {
	case tagEarliest:
		return 0
	case tagSafe:
		return below(head, s.cfg.SafeDepth)
	case tagFinalized:
		return below(head, s.cfg.FinalizedDepth)
	case tagNumber:
		return ref.number
	}
	return head
}

// below returns head-depth clamped at genesis.
func below(head, depth uint64) uint64 {
	if depth > head {
		return 0
	}
	return head - depth
}

// stateHeader resolves ref for a state query: not found becomes geth's
// "header not found".
func (s *Server) stateHeader(ctx context.Context, ref blockRef) (*types.Header, error) {
	h, err := s.header(ctx, ref)
	if errors.Is(err, ErrNotFound) {
		var d *detailError
		if errors.As(err, &d) {
			return nil, err
		}
		return nil, errHeaderNotFound
	}
	return h, err
}

// block resolves ref to a block; nil, nil when it does not exist (the
// getBlockBy* methods answer null).
func (s *Server) block(ctx context.Context, ref blockRef) (*types.Block, error) {
	var (
		b   *types.Block
		err error
	)
	switch ref.tag {
	case tagHash:
		b, err = s.cfg.Chain.BlockByHash(ctx, ref.hash)
	default:
		b, err = s.cfg.Chain.BlockByNumber(ctx, s.heightOf(ref))
	}
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return b, err
}
