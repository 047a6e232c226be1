package node

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"sync"

	"github.com/quarry-chain/quarry/chain"
	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/miner"
	"github.com/quarry-chain/quarry/rpc"
)

// maxWork is how many recent templates an external miner may submit to.
const maxWork = 16

// miningAPI serves the rpc mining backend: the local miner, and templates
// for external miners (quarry_getWork / quarry_submitWork).
type miningAPI struct {
	n *Node

	mu   sync.Mutex
	work []workItem // oldest first, at most maxWork
}

type workItem struct {
	id    types.Hash
	block *types.Block
}

var _ rpc.MiningBackend = (*miningAPI)(nil)

func (a *miningAPI) Start(threads int) error {
	m := a.n.miner
	if threads > 0 {
		if err := m.SetThreads(threads); err != nil {
			return fmt.Errorf("%w: %v", rpc.ErrNoMining, err)
		}
	}
	if err := m.Start(a.n.ctx); err != nil && !errors.Is(err, miner.ErrRunning) {
		return err
	}
	return nil
}

func (a *miningAPI) Stop() error {
	if err := a.n.miner.Stop(); err != nil && !errors.Is(err, miner.ErrNotRunning) {
		return err
	}
	return nil
}

func (a *miningAPI) SetThreads(threads int) error { return a.n.miner.SetThreads(threads) }

func (a *miningAPI) SetCoinbase(addr types.Address) error {
	a.n.miner.SetCoinbase(addr)
	return nil
}

func (a *miningAPI) Status() rpc.MiningStatus {
	m := a.n.miner
	return rpc.MiningStatus{Mining: m.Mining(), Threads: m.Threads(), Hashrate: uint64(m.HashRate()), Coinbase: m.Coinbase()}
}

// GetWork builds a template from the pool's best transactions. Its id is
// the hash of the header's fixed part, which covers every field but time
// and nonce (a random extra nonce keeps ids unique).
func (a *miningAPI) GetWork(context.Context) (*rpc.Work, error) {
	var extra [types.HeaderExtraSize]byte
	rand.Read(extra[8:])
	b, err := a.n.chain.NewBuilder(a.n.miner.Coinbase(), uint64(a.n.now().UnixMilli()), extra)
	if err != nil {
		return nil, err
	}
	src := poolSource{pool: a.n.pool, log: a.n.log}
	for _, p := range src.Pending(b.GasLeft()) {
		if _, err := b.AddTx(p.Tx, p.From); err != nil {
			src.Failed(p.Tx, err)
		}
	}
	blk, _, _, err := b.Finish()
	if err != nil {
		return nil, err
	}
	enc := blk.Header.Encode()
	id := types.Keccak256(enc[:types.HeaderPrefixSize])
	target, err := types.CompactToTarget(blk.Header.Bits)
	if err != nil {
		return nil, err
	}
	targetHash, err := types.TargetToHash(target)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.work = append(a.work, workItem{id: id, block: blk})
	if len(a.work) > maxWork {
		a.work = append(a.work[:0], a.work[len(a.work)-maxWork:]...)
	}
	a.mu.Unlock()
	hdr := *blk.Header
	return &rpc.Work{ID: id, Header: &hdr, Target: targetHash}, nil
}

// SubmitWork completes a template with the miner's time and nonce and
// imports it like any block.
func (a *miningAPI) SubmitWork(_ context.Context, id types.Hash, time, nonce uint64) error {
	a.mu.Lock()
	var tmpl *types.Block
	for _, w := range a.work {
		if w.id == id {
			tmpl = w.block
		}
	}
	a.mu.Unlock()
	if tmpl == nil {
		return fmt.Errorf("%w: %s", rpc.ErrUnknownWork, id)
	}
	hdr := *tmpl.Header
	hdr.Time, hdr.Nonce = time, nonce
	blk := &types.Block{Header: &hdr, Txs: tmpl.Txs}
	res, err := a.n.chain.ProcessBlock(blk)
	if err != nil {
		return err
	}
	if res.Status == chain.StatusConnected || res.Status == chain.StatusSideChain {
		a.n.announceBlock(blk)
	}
	return nil
}
