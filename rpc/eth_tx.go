package rpc

import (
	"context"
	"errors"
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// eth_ methods for transactions and receipts.
func (s *Server) registerEthTx() {
	s.register("eth_getTransactionByHash", s.ethGetTransactionByHash)
	s.register("eth_getTransactionByBlockHashAndIndex", s.ethGetTxByBlockHashAndIndex)
	s.register("eth_getTransactionByBlockNumberAndIndex", s.ethGetTxByBlockNumberAndIndex)
	s.register("eth_getRawTransactionByHash", s.ethGetRawTransactionByHash)
	s.register("eth_getTransactionReceipt", s.ethGetTransactionReceipt)
	s.register("eth_getBlockReceipts", s.ethGetBlockReceipts)
	if s.cfg.Pool != nil {
		s.register("eth_sendRawTransaction", s.ethSendRawTransaction)
	}
}

// ethSendRawTransaction decodes, checks the signature and chain, and
// hands the transaction to the pool. It answers the hash.
func (s *Server) ethSendRawTransaction(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	raw, err := c.data(0, "transaction")
	if err != nil {
		return nil, err
	}
	if len(raw) > types.MaxTxSize {
		return nil, Errorf(ErrOversizedData, "%d bytes, limit %d", len(raw), types.MaxTxSize)
	}
	tx, err := types.DecodeTransaction(raw)
	if err != nil {
		if errors.Is(err, types.ErrTxTypeNotSupported) {
			return nil, ErrTxTypeNotSupported
		}
		return nil, &paramError{0, "transaction", fmt.Errorf("not a valid signed transaction: %w", err)}
	}
	if _, err := s.sender(tx); err != nil {
		if errors.Is(err, types.ErrInvalidChainID) {
			return nil, Errorf(ErrInvalidChainID, "want %d", s.signer.ChainID())
		}
		return nil, ErrInvalidSender
	}
	if err := s.cfg.Pool.SendTx(ctx, tx); err != nil {
		return nil, err
	}
	return tx.Hash(), nil
}

func (s *Server) ethGetTransactionByHash(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	h, err := c.hash(0, "transactionHash")
	if err != nil {
		return nil, err
	}
	tx, pos, err := s.findTx(ctx, h)
	if err != nil || tx == nil {
		return nil, err
	}
	return s.newRPCTx(tx, pos), nil
}

// findTx looks a transaction up in the chain, then in the pool (pos nil).
// It answers nil, nil, nil when neither has it.
func (s *Server) findTx(ctx context.Context, h types.Hash) (*types.Transaction, *txPos, error) {
	loc, err := s.cfg.Chain.TxLookup(ctx, h)
	switch {
	case err == nil:
		b, err := s.cfg.Chain.BlockByHash(ctx, loc.BlockHash)
		if err != nil {
			return nil, nil, err
		}
		if loc.Index >= uint64(len(b.Txs)) {
			return nil, nil, fmt.Errorf("tx lookup %s: index %d beyond block of %d", h, loc.Index, len(b.Txs))
		}
		return b.Txs[loc.Index], &txPos{loc.BlockHash, b.Height(), loc.Index}, nil
	case !errors.Is(err, ErrNotFound):
		return nil, nil, err
	}
	if s.cfg.Pool != nil {
		if tx := s.cfg.Pool.Tx(h); tx != nil {
			return tx, nil, nil
		}
	}
	return nil, nil, nil
}

func (s *Server) ethGetRawTransactionByHash(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	h, err := c.hash(0, "transactionHash")
	if err != nil {
		return nil, err
	}
	tx, _, err := s.findTx(ctx, h)
	if err != nil || tx == nil {
		return nil, err
	}
	return hexutil.Bytes(tx.Encode()), nil
}

func (s *Server) ethGetTxByBlockHashAndIndex(ctx context.Context, c *call) (any, error) {
	if err := c.arity(2, 2); err != nil {
		return nil, err
	}
	ref, err := s.blockHashArg(c, 0)
	if err != nil {
		return nil, err
	}
	return s.txByBlockAndIndex(ctx, c, ref)
}

func (s *Server) ethGetTxByBlockNumberAndIndex(ctx context.Context, c *call) (any, error) {
	if err := c.arity(2, 2); err != nil {
		return nil, err
	}
	ref, err := c.blockNumberArg(0)
	if err != nil {
		return nil, err
	}
	return s.txByBlockAndIndex(ctx, c, ref)
}

func (s *Server) txByBlockAndIndex(ctx context.Context, c *call, ref blockRef) (any, error) {
	idx, err := c.quantity(1, "index")
	if err != nil {
		return nil, err
	}
	b, err := s.block(ctx, ref)
	if err != nil || b == nil || idx >= uint64(len(b.Txs)) {
		return nil, err
	}
	return s.newRPCTx(b.Txs[idx], &txPos{b.Hash(), b.Height(), idx}), nil
}

func (s *Server) ethGetTransactionReceipt(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	h, err := c.hash(0, "transactionHash")
	if err != nil {
		return nil, err
	}
	loc, err := s.cfg.Chain.TxLookup(ctx, h)
	if errors.Is(err, ErrNotFound) {
		return nil, nil // unknown or still pending
	}
	if err != nil {
		return nil, err
	}
	// One receipt from the block's filled receipts, without decoding the
	// block: wallets poll this once a second per pending transaction.
	receipts, err := s.cfg.Chain.Receipts(ctx, loc.BlockHash)
	if errors.Is(err, ErrNotFound) {
		return nil, nil // reorganised away since the lookup
	}
	if err != nil {
		return nil, err
	}
	if loc.Index >= uint64(len(receipts)) || receipts[loc.Index].TxHash != h {
		return nil, fmt.Errorf("tx lookup %s: block %s has no such receipt at index %d", h, loc.BlockHash, loc.Index)
	}
	var logIndex uint64 // the block's logs before this transaction's
	for _, r := range receipts[:loc.Index] {
		logIndex += uint64(len(r.Logs))
	}
	return newRPCReceipt(receipts[loc.Index], logIndex), nil
}

func (s *Server) ethGetBlockReceipts(ctx context.Context, c *call) (any, error) {
	if err := c.arity(1, 1); err != nil {
		return nil, err
	}
	ref, err := c.blockRef(0, "block", latest)
	if err != nil {
		return nil, err
	}
	receipts, err := s.receiptsOf(ctx, ref)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return receipts, err
}

// receiptsOf builds the receipt objects of the block ref names.
func (s *Server) receiptsOf(ctx context.Context, ref blockRef) ([]*rpcReceipt, error) {
	if ref.tag == tagHash && ref.requireCanonical && !s.cfg.Chain.InMainChain(ctx, ref.hash) {
		return nil, ErrNotFound
	}
	b, err := s.block(ctx, ref)
	if err != nil {
		return nil, err
	}
	if b == nil {
		return nil, ErrNotFound
	}
	receipts, err := s.cfg.Chain.Receipts(ctx, b.Hash())
	if err != nil {
		return nil, err
	}
	return s.blockReceipts(b, receipts)
}
