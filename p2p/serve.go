package p2p

import (
	"bufio"
	"errors"
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
	delay, ok := s.peers.allowServe(p)
	if !ok {
		s.penalise(p, OffenseFlood, errors.New("sync requests above the rate limit"))
		str.Reset()
		return
	}
	defer s.peers.release(p)
	if !sleepCtx(s.ctx, delay) {
		str.Reset()
		return
	}
	_ = str.SetDeadline(time.Now().Add(s.cfg.RequestTimeout))
	m, err := readFrame(bufio.NewReader(str), maxRequestBytes)
	if err != nil {
		s.penaliseRead(p, err)
		str.Reset()
		return
	}
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
