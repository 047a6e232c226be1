package p2p

import (
	"bufio"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/network"

	"github.com/quarry-chain/quarry/chain/types"
)

// handleSync serves one GetHeaders, GetBlocks or GetPooledTxs request per
// stream, or takes one PooledTxHashes announcement (closing the stream
// without a response once the hashes are queued for fetching). Each
// peer gets ServeRate requests per second (burst ServeBurst) and at most
// maxServePerPeer at a time; beyond that the stream is reset and the peer
// charged for a flood.
func (s *Service) handleSync(str network.Stream) {
	p := str.Conn().RemotePeer()
	defer str.Close()
	m, ok := s.readRequest(str, "sync", s.cfg.RequestTimeout, maxRequestBytes)
	if !ok {
		return
	}
	defer s.peers.release(p)
	var resp Message
	switch req := m.(type) {
	case *GetHeadersMsg:
		resp = &HeadersMsg{Headers: s.serveHeaders(req)}
	case *GetBlocksMsg:
		resp = &BlocksMsg{Blocks: s.serveBlocks(req)}
	case *GetPooledTxsMsg:
		resp = &PooledTxsMsg{Txs: s.servePooledTxs(req)}
	case *PooledTxHashesMsg:
		s.txFetch.announced(p, req.Hashes)
		return
	default:
		s.penalise(p, OffenseProtocol, fmt.Errorf("%w: %v as a sync request", ErrUnexpectedMessage, m.Kind()))
		str.Reset()
		return
	}
	if err := writeFrame(str, resp); err != nil {
		str.Reset()
	}
}

// serveHeaders answers GetHeaders from the chain, at most req.Max headers
// (the decoder has capped Max at MaxHeadersPerMsg).
func (s *Service) serveHeaders(req *GetHeadersMsg) []*types.Header {
	hdrs := s.cfg.Chain.LocateHeaders(req.Locator, req.Stop, int(req.Max))
	if len(hdrs) > int(req.Max) {
		hdrs = hdrs[:req.Max]
	}
	return hdrs
}

// serveBlocks answers GetBlocks with the blocks we have, in request order,
// stopping once the response holds blocksSoftBytes.
func (s *Service) serveBlocks(req *GetBlocksMsg) []*types.Block {
	var out []*types.Block
	size := 0
	for _, h := range req.Hashes {
		b, err := s.cfg.Chain.BlockByHash(h)
		if err != nil || b == nil {
			continue
		}
		out = append(out, b)
		if size += b.Size(); size >= blocksSoftBytes {
			break
		}
	}
	return out
}

// servePooledTxs answers GetPooledTxs with the transactions our pool has,
// in request order, stopping once the response holds txsSoftBytes.
func (s *Service) servePooledTxs(req *GetPooledTxsMsg) []*types.Transaction {
	var out []*types.Transaction
	size := 0
	for _, h := range req.Hashes {
		tx := s.cfg.TxPool.Get(h)
		if tx == nil {
			continue
		}
		out = append(out, tx)
		if size += tx.Size(); size >= txsSoftBytes {
			break
		}
	}
	return out
}

// readRequest admits a request stream from its peer (within the peer's
// rate, after the short delay a peer slightly over it gets, and within its
// serving slots) and reads the stream's one frame. If it returns false the
// stream was reset and the peer charged as the failure deserves; otherwise
// the caller holds a serving slot and must release it (s.peers.release).
func (s *Service) readRequest(str network.Stream, what string, timeout time.Duration, maxBytes int) (Message, bool) {
	p := str.Conn().RemotePeer()
	delay, ok := s.peers.allowServe(p)
	if !ok {
		s.penalise(p, OffenseFlood, fmt.Errorf("%s requests above the rate limit", what))
		str.Reset()
		return nil, false
	}
	if !sleepCtx(s.ctx, delay) {
		s.peers.release(p)
		str.Reset()
		return nil, false
	}
	_ = str.SetDeadline(time.Now().Add(timeout))
	m, err := readFrame(bufio.NewReader(str), maxBytes)
	if err != nil {
		s.peers.release(p)
		s.penaliseRead(p, err)
		str.Reset()
		return nil, false
	}
	return m, true
}
