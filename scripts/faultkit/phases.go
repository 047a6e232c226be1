package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/p2p"
)

// expectation is how an honest node must treat a phase's sender.
type expectation int

const (
	// expectBan: the traffic proves the sender dishonest (invalid data,
	// or requests far over the rate limits); the node must ban it.
	expectBan expectation = iota + 1
	// expectNoBan: the traffic may come from an honest relay (gossip
	// above the rate limits, orphans); the node must shed it without
	// banning, and stay healthy.
	expectNoBan
)

func (e expectation) String() string {
	if e == expectBan {
		return "banned"
	}
	return "not banned"
}

// met reports whether o satisfies e.
func (e expectation) met(o outcome) bool {
	if e == expectBan {
		return o == outcomeBanned
	}
	return o != outcomeBanned
}

// phase is one attack of the hostile peer, run from a fresh identity.
type phase struct {
	name   string
	expect expectation
	attack func(ctx context.Context, pe *phaseEnv) (phaseResult, error)
}

// phaseEnv is what an attack works with.
type phaseEnv struct {
	hh   *hostileHost
	info *chainInfo
	rpc  *rpcClient
	cfg  *peerConfig
}

// phaseResult says what an attack sent, or why it was skipped.
type phaseResult struct {
	sent    string
	skipped string
}

// phases returns the attack phases in the order they run.
func phases() []phase {
	return []phase{
		{"garbage-frames", expectBan, attackGarbageFrames},
		{"oversized-frames", expectBan, attackOversizedFrames},
		{"garbage-gossip", expectBan, attackGarbageGossip},
		{"bad-pow-block", expectBan, attackBadPoWBlock},
		{"trivial-pow-block", expectBan, attackTrivialPoWBlock},
		{"bad-signature-txs", expectBan, attackBadSignatureTxs},
		{"wrong-chain-txs", expectBan, attackWrongChainTxs},
		{"tx-gossip-flood", expectNoBan, attackTxGossipFlood},
		{"orphan-flood", expectNoBan, attackOrphanFlood},
		{"sync-flood", expectBan, attackSyncFlood},
	}
}

// randomBytes returns n random bytes.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// sendUntilDropped sends each of sends in turn (each a protocol and the
// raw bytes of a stream) while the node keeps us, and returns how many
// went out.
func sendUntilDropped(ctx context.Context, pe *phaseEnv, sends []rawSend) (int, error) {
	n := 0
	for _, s := range sends {
		if _, err := pe.hh.send(ctx, s.proto, s.raw); err != nil {
			if errors.Is(err, errNotConnected) && n > 0 {
				break
			}
			return n, err
		}
		n++
	}
	return n, nil
}

// garbage-frames: frames whose bytes decode to no message, on the sync and
// status protocols. Each is a malformed message (50 points): two ban.
func attackGarbageFrames(ctx context.Context, pe *phaseEnv) (phaseResult, error) {
	syncProto, statusProto := p2p.SyncProtocol(pe.info.Genesis), p2p.StatusProtocol(pe.info.Genesis)
	sends := []rawSend{
		{syncProto, frame(append([]byte{0xde}, randomBytes(40)...))},                         // unknown kind
		{statusProto, frame(append([]byte{byte(p2p.KindStatus)}, randomBytes(10)...))},       // truncated status
		{syncProto, frame(append([]byte{byte(p2p.KindGetBlocks), 0x80}, randomBytes(8)...))}, // bad varint
	}
	n, err := sendUntilDropped(ctx, pe, sends)
	return phaseResult{sent: fmt.Sprintf("%d garbage frames (sync, status)", n)}, err
}

// oversized-frames: a frame declaring 1 GiB (and sending nothing more), a
// 64 KiB frame where requests are at most 8 KiB, and a gossiped block
// larger than the block size limit. 50 points each.
func attackOversizedFrames(ctx context.Context, pe *phaseEnv) (phaseResult, error) {
	syncProto := p2p.SyncProtocol(pe.info.Genesis)
	big := append([]byte{byte(p2p.KindGetBlocks)}, make([]byte, 64<<10)...)
	sends := []rawSend{
		{syncProto, binary.AppendUvarint(nil, 1<<30)},
		{syncProto, frame(big)},
	}
	n, err := sendUntilDropped(ctx, pe, sends)
	if err != nil {
		return phaseResult{}, err
	}
	sent := fmt.Sprintf("%d oversized sync frames (1 GiB declared, 64 KiB sent)", n)
	if pe.hh.connected() {
		if err := pe.hh.publish(ctx, pe.hh.blocks, randomBytes(pe.cfg.maxBlockBytes+1024)); err != nil && !errors.Is(err, errNotConnected) {
			return phaseResult{}, err
		}
		sent += fmt.Sprintf(", a %d-byte gossiped block", pe.cfg.maxBlockBytes+1024)
	}
	return phaseResult{sent: sent}, nil
}

// garbage-gossip: random bytes on the blocks and transactions topics. Each
// that the node validates is malformed (50 points); GossipSub's own score
// graylists the sender soon after, so only the first few are judged.
func attackGarbageGossip(ctx context.Context, pe *phaseEnv) (phaseResult, error) {
	n := 0
	for i := 0; i < 4 && pe.hh.connected(); i++ {
		t := pe.hh.blocks
		if i%2 == 1 {
			t = pe.hh.txs
		}
		if err := pe.hh.publish(ctx, t, randomBytes(300)); err != nil {
			if errors.Is(err, errNotConnected) {
				break
			}
			return phaseResult{}, err
		}
		n++
		time.Sleep(50 * time.Millisecond) // one message per pubsub RPC
	}
	return phaseResult{sent: fmt.Sprintf("%d garbage gossip messages", n)}, nil
}

// bad-pow-block: a block on the node's head whose hash misses the target
// of its bits. Invalid block: 100 points, ban at once.
func attackBadPoWBlock(ctx context.Context, pe *phaseEnv) (phaseResult, error) {
	head, err := fetchHead(ctx, pe.rpc)
	if err != nil {
		return phaseResult{}, err
	}
	b := blockOnHead(head, head.Bits, time.Now())
	unsolve(b.Header)
	if err := pe.hh.publish(ctx, pe.hh.blocks, b.Encode()); err != nil {
		return phaseResult{}, err
	}
	return phaseResult{sent: fmt.Sprintf("block %d %s with a bad proof of work", b.Height(), short(b.Hash().Hex()))}, nil
}

// trivial-pow-block: a block on the node's head with a valid proof of work
// at the easiest target (the chain's PoW limit, -pow-limit-bits), which is
// not the target the difficulty rule demands (and whose state root is
// wrong besides). Skipped when that target is beyond -pow-budget.
func attackTrivialPoWBlock(ctx context.Context, pe *phaseEnv) (phaseResult, error) {
	bits := pe.cfg.powLimitBits
	if need := expectedHashes(bits); need.Sign() == 0 || need.Cmp(new(big.Int).SetUint64(pe.cfg.powBudget)) > 0 {
		return phaseResult{skipped: fmt.Sprintf("bits %#08x need ~%s hashes, over the budget of %d", bits, need, pe.cfg.powBudget)}, nil
	}
	head, err := fetchHead(ctx, pe.rpc)
	if err != nil {
		return phaseResult{}, err
	}
	b := blockOnHead(head, bits, time.Now())
	tries, err := solve(ctx, b.Header, pe.cfg.powBudget)
	if err != nil {
		return phaseResult{skipped: fmt.Sprintf("no proof of work found: %v", err)}, nil
	}
	if err := pe.hh.publish(ctx, pe.hh.blocks, b.Encode()); err != nil {
		return phaseResult{}, err
	}
	return phaseResult{sent: fmt.Sprintf("block %d %s, valid proof of work at bits %#08x (%d hashes), wrong bits and state",
		b.Height(), short(b.Hash().Hex()), bits, tries)}, nil
}

// bad-signature-txs: transfers whose signatures recover no sender.
func attackBadSignatureTxs(ctx context.Context, pe *phaseEnv) (phaseResult, error) {
	key, err := btcec.NewPrivateKey()
	if err != nil {
		return phaseResult{}, err
	}
	return sendInvalidTxs(ctx, pe, "bad-signature", func(i int) (*types.Transaction, error) {
		return badSignatureTx(key, pe.info.ChainID, uint64(i), sigBreak(i)%numSigBreaks)
	})
}

// wrong-chain-txs: transfers signed correctly for another chain id.
func attackWrongChainTxs(ctx context.Context, pe *phaseEnv) (phaseResult, error) {
	key, err := btcec.NewPrivateKey()
	if err != nil {
		return phaseResult{}, err
	}
	return sendInvalidTxs(ctx, pe, "wrong-chain", func(i int) (*types.Transaction, error) {
		return wrongChainTx(key, pe.info.ChainID, uint64(i))
	})
}

// invalidTxRounds bounds the announce-and-serve rounds of an invalid
// transaction phase: an invalid transaction costs 20 points, so five
// rounds reach the ban threshold of 100.
const invalidTxRounds = 8

// sendInvalidTxs sends invalid transactions both ways they travel: two by
// gossip (after which GossipSub's own score stops listening to the sender),
// then through the pool exchange: announce one hash, let the node fetch it,
// serve it the invalid transaction; each costs the sender 20 points.
func sendInvalidTxs(ctx context.Context, pe *phaseEnv, what string, mk func(i int) (*types.Transaction, error)) (phaseResult, error) {
	i, gossiped, served := 0, 0, 0
	for ; gossiped < 2 && pe.hh.connected(); gossiped++ {
		tx, err := mk(i)
		if err != nil {
			return phaseResult{}, err
		}
		i++
		if err := pe.hh.publish(ctx, pe.hh.txs, tx.Encode()); err != nil {
			if errors.Is(err, errNotConnected) {
				break
			}
			return phaseResult{}, err
		}
		time.Sleep(50 * time.Millisecond)
	}
	for round := 0; round < invalidTxRounds && pe.hh.connected(); round++ {
		tx, err := mk(i)
		if err != nil {
			return phaseResult{}, err
		}
		i++
		pe.hh.plant(tx)
		if _, err := pe.hh.request(ctx, &p2p.PooledTxHashesMsg{Hashes: []types.Hash{tx.Hash()}}); err != nil {
			if errors.Is(err, errNotConnected) {
				break
			}
			return phaseResult{}, err
		}
		select {
		case <-pe.hh.fetched:
			served++
		case <-time.After(streamTimeout):
			return phaseResult{sent: fmt.Sprintf("%d %s txs gossiped, %d served", gossiped, what, served)},
				fmt.Errorf("the node did not fetch an announced transaction within %v", streamTimeout)
		case <-ctx.Done():
			return phaseResult{}, ctx.Err()
		}
		// Let the node judge it before the next round, so the rounds
		// needed for the ban show in the count.
		pe.hh.waitDisconnected(ctx, 200*time.Millisecond)
	}
	return phaseResult{sent: fmt.Sprintf("%d %s txs gossiped, %d served on request", gossiped, what, served)}, nil
}

// tx-gossip-flood: validly signed transfers from an unfunded key, signed
// on every core and published as fast as that allows for -flood. The pool
// turns them away for want of funds, which is no proof of malice (the
// sender may know a state we do not), and above the gossip rate limit the
// node drops them unvalidated: it must shed the load without banning.
func attackTxGossipFlood(ctx context.Context, pe *phaseEnv) (phaseResult, error) {
	ctx, cancel := context.WithTimeout(ctx, pe.cfg.flood)
	defer cancel()
	txs, errc := signStream(ctx, pe.info.ChainID)
	n := 0
	for ctx.Err() == nil && pe.hh.connected() {
		tx, ok := <-txs
		if !ok || pe.hh.txs.Publish(ctx, tx.Encode()) != nil {
			break
		}
		n++
	}
	cancel()
	if err := <-errc; err != nil {
		return phaseResult{}, err
	}
	rate := float64(n) / pe.cfg.flood.Seconds()
	return phaseResult{sent: fmt.Sprintf("%d unfunded txs published in %v (%.0f/s)", n, pe.cfg.flood, rate)}, nil
}

// signStream signs transfers with consecutive nonces from a fresh, unfunded
// key, on every core, until ctx ends; the channel closes then, and errc
// yields the first signing error (or nil).
func signStream(ctx context.Context, chainID uint64) (<-chan *types.Transaction, <-chan error) {
	out := make(chan *types.Transaction, 4096)
	errc := make(chan error, 1)
	key, err := btcec.NewPrivateKey()
	if err != nil {
		close(out)
		errc <- err
		return out, errc
	}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	var firstErr atomic.Pointer[error]
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for nonce := uint64(w); ctx.Err() == nil; nonce += uint64(workers) {
				tx, err := signedTransfer(key, chainID, nonce)
				if err != nil {
					firstErr.CompareAndSwap(nil, &err)
					return
				}
				select {
				case out <- tx:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
		var err error
		if p := firstErr.Load(); p != nil {
			err = *p
		}
		errc <- err
	}()
	return out, errc
}

// orphan-flood: blocks with a valid proof of work at the easiest target
// whose parents nobody has, one in four filled with about 1 MB of
// transactions, gossiped as fast as they can be made for -flood. Orphans
// are not provably invalid (their branch may exist), so the node must
// bound its orphan pool and its gossip intake, and not ban.
func attackOrphanFlood(ctx context.Context, pe *phaseEnv) (phaseResult, error) {
	bits := pe.cfg.powLimitBits
	if need := expectedHashes(bits); need.Sign() == 0 || need.Cmp(new(big.Int).SetUint64(pe.cfg.powBudget)) > 0 {
		return phaseResult{skipped: fmt.Sprintf("bits %#08x need ~%s hashes, over the budget of %d", bits, need, pe.cfg.powBudget)}, nil
	}
	head, err := fetchHead(ctx, pe.rpc)
	if err != nil {
		return phaseResult{}, err
	}
	filler, err := fillerTxs(pe.info.ChainID, 8, 120<<10)
	if err != nil {
		return phaseResult{}, err
	}
	deadline := time.Now().Add(pe.cfg.flood)
	n, size := 0, 0
	for time.Now().Before(deadline) && pe.hh.connected() && ctx.Err() == nil {
		var txs []*types.Transaction
		if n%4 == 0 {
			txs = filler
		}
		b := orphanBlock(head, bits, time.Now(), txs)
		if _, err := solve(ctx, b.Header, pe.cfg.powBudget); err != nil {
			return phaseResult{skipped: fmt.Sprintf("no proof of work found: %v", err)}, nil
		}
		enc := b.Encode()
		if err := pe.hh.blocks.Publish(ctx, enc); err != nil {
			break
		}
		n++
		size += len(enc)
	}
	return phaseResult{sent: fmt.Sprintf("%d orphan blocks (%d MB) published in %v", n, size>>20, pe.cfg.flood)}, nil
}

// syncFloodWorkers is how many sync requests the flood keeps open at once:
// four times what the node serves to one peer concurrently.
const syncFloodWorkers = 32

// sync-flood: GetHeaders requests for 2000 headers from genesis, from
// syncFloodWorkers streams at once, for -flood or until dropped. Requests
// over the node's rate and concurrency limits are refused and charged as a
// flood (5 points each): the sender is banned after twenty.
func attackSyncFlood(ctx context.Context, pe *phaseEnv) (phaseResult, error) {
	req := &p2p.GetHeadersMsg{Locator: []types.Hash{pe.info.Genesis}, Max: p2p.MaxHeadersPerMsg}
	ctx, cancel := context.WithTimeout(ctx, pe.cfg.flood)
	defer cancel()
	var sent, refused atomic.Int64
	var wg sync.WaitGroup
	for range syncFloodWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && pe.hh.connected() {
				n, err := pe.hh.request(ctx, req)
				if err != nil {
					return
				}
				sent.Add(1)
				if n == 0 {
					refused.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	return phaseResult{sent: fmt.Sprintf("%d GetHeaders requests, %d refused", sent.Load(), refused.Load())}, nil
}

// rawSend is one stream's worth of raw bytes on a protocol.
type rawSend struct {
	proto protocol.ID
	raw   []byte
}

// short abbreviates a long identifier for the report.
func short(s string) string {
	if len(s) <= 14 {
		return s
	}
	return s[:8] + ".." + s[len(s)-4:]
}
