package miner

import (
	"sync"
	"sync/atomic"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/miner/sha256x"
)

// Header tail words the search sets (sha256x.Job.SetWord): the time's high
// and low halves. Bits (word 2) stay as the template has them, the nonce
// (words 3-4) is what the kernel steps.
const (
	timeHiWord = (types.TimeOffset - types.HeaderPrefixSize) / 4
	timeLoWord = timeHiWord + 1
)

// The header must be laid out as sha256x expects: the prefix whole SHA-256
// blocks, the tail TailSize bytes with the nonce at NonceOffset, the time
// word-aligned in front of it.
var (
	_ = [1]struct{}{}[types.HeaderPrefixSize%sha256x.BlockSize]
	_ = [1]struct{}{}[types.HeaderSize-types.HeaderPrefixSize-sha256x.TailSize]
	_ = [1]struct{}{}[types.NonceOffset-types.HeaderPrefixSize-sha256x.NonceOffset]
	_ = [1]struct{}{}[(types.TimeOffset-types.HeaderPrefixSize)%4]
)

// batchSize is how many attempts a worker makes between looks at the abort
// flag and the clock: a power of two (so batches never straddle a high
// nonce word) worth a few milliseconds, which bounds the abort latency.
func batchSize(impl sha256x.Impl) uint32 {
	if impl == sha256x.SHANI {
		return 1 << 14 // ~2 ms at 8 M attempts/s
	}
	return 1 << 11 // ~3 ms at 0.6 M attempts/s
}

// solution is a nonce (with the time it was found under) meeting the target.
type solution struct {
	time, nonce uint64
	hash        [32]byte
}

// search is one template being worked on by a set of worker goroutines.
type search struct {
	tmpl  *template
	job   *sha256x.Job
	abort atomic.Bool
	found chan solution // one slot per worker: sends never block
	wg    sync.WaitGroup
}

// startSearch compresses the template's header prefix once and starts
// threads workers on it.
func (m *Miner) startSearch(t *template, threads int) (*search, error) {
	var enc [types.HeaderSize]byte
	t.block.Header.EncodeTo(&enc)
	job, err := sha256x.NewJob(m.impl, enc[:])
	if err != nil {
		return nil, err
	}
	s := &search{tmpl: t, job: job, found: make(chan solution, threads)}
	s.wg.Add(threads)
	for i := range threads {
		go s.work(m, uint32(i), uint32(threads))
	}
	return s, nil
}

// stop aborts the workers and waits until they have returned.
func (s *search) stop() {
	s.abort.Store(true)
	s.wg.Wait()
}

// work searches the high nonce words id, id+stride, id+2*stride..., each
// through all 2^32 low words, in batches. Before each batch it moves the
// header time to the clock (within the template's bounds); the nonce keeps
// counting, so no (time, nonce) pair is tried twice and no two workers
// share one.
func (s *search) work(m *Miner, id, stride uint32) {
	defer s.wg.Done()
	job := s.job.Clone()
	batch := batchSize(job.Impl())
	hi, lo := id, uint32(0)
	var curTime uint64
	for !s.abort.Load() {
		if t := s.tmpl.timeAt(uint64(m.cfg.Now().UnixMilli())); t != curTime {
			curTime = t
			_ = job.SetWord(timeHiWord, uint32(t>>32)) // constant, valid indexes
			_ = job.SetWord(timeLoWord, uint32(t))
		}
		start := uint64(hi)<<32 | uint64(lo)
		nonce, hash, ok := job.Scan(start, batch, &s.tmpl.target)
		if ok {
			m.meter.add(nonce - start + 1)
			s.found <- solution{time: curTime, nonce: nonce, hash: hash}
			s.abort.Store(true) // the others' work on this template is moot
			return
		}
		m.meter.add(uint64(batch))
		lo += batch
		if lo == 0 { // this high word is done: take our next one
			next := hi + stride
			if next < hi {
				return // all 2^64 nonces of our share at this time: unreachable in practice
			}
			hi = next
		}
	}
}
