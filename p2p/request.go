package p2p

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/quarry-chain/quarry/chain/types"
)

// request sends req to p on the sync protocol and reads the response (at
// most max bytes). A response that does not arrive before ctx's deadline
// fails with ErrTimeout.
func (s *Service) request(ctx context.Context, p peer.ID, req Message, max int) (Message, error) {
	// Requests go to connected peers only; dialling is the dialer's job.
	str, err := s.host.NewStream(network.WithNoDial(ctx, "sync request"), p, s.syncProto)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w: opening a stream: %v", ErrTimeout, err)
		}
		return nil, err
	}
	defer str.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = str.SetDeadline(dl)
	}
	// Reset the stream if ctx is cancelled while we wait on it.
	stop := context.AfterFunc(ctx, func() { str.Reset() })
	defer stop()
	if err := writeFrame(str, req); err != nil {
		str.Reset()
		return nil, s.requestErr(ctx, err)
	}
	_ = str.CloseWrite()
	m, err := readFrame(bufio.NewReader(str), max)
	if err != nil {
		str.Reset()
		return nil, s.requestErr(ctx, err)
	}
	return m, nil
}

// requestErr turns a deadline into ErrTimeout and leaves other errors.
func (s *Service) requestErr(ctx context.Context, err error) error {
	var ne net.Error
	if ctx.Err() != nil || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w: %v", ErrTimeout, err)
	}
	return err
}

// getHeaders asks p for headers after locator.
func (s *Service) getHeaders(ctx context.Context, p peer.ID, locator []types.Hash, stop types.Hash, max int) ([]*types.Header, error) {
	if len(locator) > MaxLocatorHashes {
		// Keep the densest part near the tip and genesis, the last entry.
		locator = append(locator[:MaxLocatorHashes-1:MaxLocatorHashes-1], locator[len(locator)-1])
	}
	m, err := s.request(ctx, p, &GetHeadersMsg{Locator: locator, Stop: stop, Max: uint32(max)}, maxHeadersBytes)
	if err != nil {
		return nil, err
	}
	resp, ok := m.(*HeadersMsg)
	if !ok {
		return nil, fmt.Errorf("%w: %v in reply to GetHeaders", ErrUnexpectedMessage, m.Kind())
	}
	if len(resp.Headers) > max {
		return nil, fmt.Errorf("%w: %d headers, asked for at most %d", ErrBadResponse, len(resp.Headers), max)
	}
	return resp.Headers, nil
}

// getBlocks asks p for blocks by hash. The result holds only blocks that
// were asked for, in the order asked (p may leave some out).
func (s *Service) getBlocks(ctx context.Context, p peer.ID, hashes []types.Hash) ([]*types.Block, error) {
	m, err := s.request(ctx, p, &GetBlocksMsg{Hashes: hashes}, s.cfg.maxBlocksBytes())
	if err != nil {
		return nil, err
	}
	resp, ok := m.(*BlocksMsg)
	if !ok {
		return nil, fmt.Errorf("%w: %v in reply to GetBlocks", ErrUnexpectedMessage, m.Kind())
	}
	next := 0
	for _, b := range resp.Blocks {
		h := b.Hash()
		for next < len(hashes) && hashes[next] != h {
			next++
		}
		if next == len(hashes) {
			return nil, fmt.Errorf("%w: block %v was not asked for (or is out of order)", ErrBadResponse, h)
		}
		next++
		if sz := b.Size(); sz > s.cfg.MaxBlockBytes {
			return nil, fmt.Errorf("%w: block %v of %d bytes, limit %d", ErrBadResponse, h, sz, s.cfg.MaxBlockBytes)
		}
		if root := b.ComputeTxRoot(); root != b.Header.TxRoot {
			return nil, fmt.Errorf("%w: block %v transactions do not match its header", ErrBadResponse, h)
		}
	}
	return resp.Blocks, nil
}

// getPooledTxs asks p for pooled transactions by hash. The result holds
// only transactions that were asked for, in the order asked (p may leave
// some out); anything else is ErrBadResponse.
func (s *Service) getPooledTxs(ctx context.Context, p peer.ID, hashes []types.Hash) ([]*types.Transaction, error) {
	m, err := s.request(ctx, p, &GetPooledTxsMsg{Hashes: hashes}, maxPooledTxsBytes)
	if err != nil {
		return nil, err
	}
	resp, ok := m.(*PooledTxsMsg)
	if !ok {
		return nil, fmt.Errorf("%w: %v in reply to GetPooledTxs", ErrUnexpectedMessage, m.Kind())
	}
	next := 0
	for _, tx := range resp.Txs {
		h := tx.Hash()
		for next < len(hashes) && hashes[next] != h {
			next++
		}
		if next == len(hashes) {
			return nil, fmt.Errorf("%w: transaction %v was not asked for (or is out of order)", ErrBadResponse, h)
		}
		next++
	}
	return resp.Txs, nil
}

// offenseOf maps a failed request's error to the offense it proves, if any.
func offenseOf(err error) (Offense, bool) {
	switch {
	case errors.Is(err, ErrTimeout):
		return OffenseStall, true
	case errors.Is(err, ErrMessageTooLarge):
		return OffenseOversized, true
	case errors.Is(err, ErrMalformed):
		return OffenseMalformed, true
	case errors.Is(err, ErrUnexpectedMessage), errors.Is(err, ErrBadResponse):
		return OffenseProtocol, true
	}
	return 0, false
}
