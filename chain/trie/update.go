package trie

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"sync"

	"github.com/quarry-chain/quarry/chain/types"
)

// Change sets Key to Value in a batch; an empty Value deletes Key (the trie
// stores no empty values, so nil and empty mean the same).
//
// Prev is an optional hint: the value the caller believes Key holds now
// (empty: unknown or absent). A caller that keeps the values elsewhere (the
// state's flat records) spares the update the read of Key's leaf, usually
// the deepest node on its path and the one least likely to be cached. A
// hint is never trusted: it is used only if the leaf it describes hashes to
// what the leaf's parent commits to, and otherwise the leaf is read.
type Change struct {
	Key   Key
	Value []byte
	Prev  []byte
}

// Update applies a batch of changes to distinct keys, in any order. It writes
// the new nodes to w and deletes the nodes that become stale (w must copy
// keys and values it keeps: the trie reuses them), then returns
// the new root and the undo batch: for every key whose value actually
// changed, its previous value (nil if it was absent), sorted by key. Updating
// with the undo batch restores the previous root and the previous stored
// nodes exactly.
//
// After Update returns, the Trie describes the new version and reads it
// through its Reader, so w must be committed to the store before the next
// Get, Prove or Update. If Update fails, the Trie is unchanged but w may hold
// part of the batch and must be discarded. If w is discarded after a
// successful Update, the Trie must be discarded too (Open it again).
func (t *Trie) Update(changes []Change, w Writer) (types.Hash, []Change, error) {
	if w == nil {
		return types.Hash{}, nil, errors.New("trie: Update with a nil Writer")
	}
	return t.update(changes, w)
}

// RootAfter returns the root that Update would produce for changes, without
// writing anything and without changing t or its cache: a dry run, for a
// block template whose state root is needed before (or instead of) the
// block being connected. It may run concurrently with Get, Prove and other
// RootAfter calls, but not with Update.
func (t *Trie) RootAfter(changes []Change) (types.Hash, error) {
	root, _, err := t.update(changes, nil)
	return root, err
}

// update is Update, or a dry run when w is nil.
func (t *Trie) update(changes []Change, w Writer) (types.Hash, []Change, error) {
	sorted := slices.Clone(changes)
	slices.SortFunc(sorted, func(a, b Change) int { return bytes.Compare(a.Key[:], b.Key[:]) })
	for i, c := range sorted {
		if len(c.Value) > MaxValueSize {
			return types.Hash{}, nil, fmt.Errorf("%w: key %x has %d bytes, limit %d", ErrValueTooLarge, c.Key, len(c.Value), MaxValueSize)
		}
		if i > 0 && sorted[i-1].Key == c.Key {
			return types.Hash{}, nil, fmt.Errorf("%w: key %x", ErrDuplicateKey, c.Key)
		}
	}
	u := &updater{t: t, dry: w == nil, forks: t.forks}
	if u.forks == 0 {
		u.forks = forkLevels(len(sorted))
	}
	if !u.dry {
		u.log = &writeLog{}
	}
	var root subtree
	if t.root != EmptyRoot {
		n, err := u.load(position{}, t.root)
		if err != nil {
			return types.Hash{}, nil, err
		}
		root = subtree{n: n, stored: true}
	}
	res, err := u.apply(root, sorted)
	if err != nil {
		return types.Hash{}, nil, err
	}
	newRoot := EmptyRoot
	if u.dry {
		if !res.empty() {
			newRoot = res.hash()
		}
		u.counts.addTo(t.count)
		return newRoot, u.undo, nil
	}
	if res.empty() {
		if root.stored {
			u.retire(position{})
		}
	} else {
		if err := u.place(res, position{}); err != nil {
			return types.Hash{}, nil, err
		}
		newRoot = res.hash()
	}
	stale := make([]position, 0, len(u.vacated))
	for p := range u.vacated {
		stale = append(stale, p)
	}
	// Sorted so that the batch, like the tree, does not depend on map order.
	slices.SortFunc(stale, func(a, b position) int {
		return cmp.Or(cmp.Compare(a.bits, b.bits), bytes.Compare(a.path[:], b.path[:]))
	})
	// The cache takes in the walk's result (the committed nodes it read
	// first, then what the batch removes and writes, in the order the walk
	// did it) while the batch goes to w, on another goroutine if both are
	// large. Should w fail, the cache, which may then describe a tree the
	// store will never hold, starts over empty.
	toCache := func() {
		for _, pn := range u.loaded {
			t.cache.put(pn.pos, pn.n)
		}
		for _, p := range stale {
			t.cache.drop(p)
		}
		for _, pn := range u.written {
			t.cache.put(pn.pos, pn.n)
		}
	}
	var cached sync.WaitGroup
	if len(u.loaded)+len(u.written) >= minAsyncCachePuts && runtime.GOMAXPROCS(0) > 1 {
		cached.Go(toCache)
	} else {
		toCache()
	}
	if err := u.writeBatch(w, stale); err != nil {
		cached.Wait()
		t.cache.reset()
		return types.Hash{}, nil, err
	}
	cached.Wait()
	t.root = newRoot
	u.counts.written = uint64(len(u.log.recs))
	u.counts.addTo(t.count)
	return newRoot, u.undo, nil
}

// minAsyncCachePuts is the number of nodes from which an update puts them
// into the cache on another goroutine while it hands its batch to the
// Writer.
const minAsyncCachePuts = 512

// writeBatch hands the walk's writes to w, then the deletions of the
// stale positions.
func (u *updater) writeBatch(w Writer, stale []position) error {
	if err := u.log.writeTo(w); err != nil {
		return err
	}
	for _, p := range stale {
		u.kbuf = p.appendStorageKey(u.kbuf[:0])
		if err := w.Delete(u.kbuf); err != nil {
			return fmt.Errorf("trie: delete node at %s: %w", p, err)
		}
	}
	return nil
}

// subtree is a subtree during an update: empty; stored, known by its root node
// or, while untouched, only by hash; or newly built and not yet placed.
type subtree struct {
	n      *node      // the root node; nil if empty or known only by hash
	h      types.Hash // the hash when n is nil and stored is set
	at     position   // where the root node is stored, when stored is set
	stored bool
}

func (s subtree) empty() bool { return s.n == nil && !s.stored }

func (s subtree) hash() types.Hash {
	if s.n != nil {
		return s.n.hash
	}
	return s.h
}

// unchangedAt reports whether s is the stored subtree at pos hashing to h.
func (s subtree) unchangedAt(pos position, h types.Hash) bool {
	return s.stored && s.at == pos && s.hash() == h
}

// entry is a pair for build: a new value, or an existing leaf to reuse.
type entry struct {
	key   Key
	value []byte
	old   subtree // the stored leaf for key when it is kept as is
}

// placedNode is a node read or written at pos, for the cache.
type placedNode struct {
	pos position
	n   *node
}

// updater holds the state of one Update's walk, or of one fork of it: a
// part of the walk (the subtrees below one inner node) run on another
// goroutine, whose results the forking updater takes over in key order
// (see applyForked), so that the batch, the undo data and the cache come
// out exactly as from a walk on one goroutine.
type updater struct {
	t       *Trie
	dry     bool                  // only the root is wanted: nothing is written or cached
	log     *writeLog             // the walk's writes, handed to the Writer at its end; nil in a dry run
	vacated map[position]struct{} // old positions not (yet) rewritten; nil while none
	written []placedNode          // shallow nodes written, for the cache
	loaded  []placedNode          // shallow committed nodes read from the store, for the cache
	undo    []Change
	counts  walkCounts
	forks   int    // how many more levels of the walk may fork
	slab    []node // nodes allocated in bulk, see alloc
	kbuf    []byte // scratch for storage keys: Writers copy what they keep
	vbuf    []byte // scratch for node encodings
}

// Forking: an inner node whose two sides both have at least
// minForkChanges changes may apply them on two goroutines, down to
// forkLevels levels from the root, so that a large batch hashes, encodes
// and reads the nodes of its paths on every core.
const (
	minForkChanges = 64
	maxForkLevels  = 5
)

// forkLevels returns how many levels of a walk applying n changes may
// fork: enough for about two subtrees per core, none on one core.
func forkLevels(n int) int {
	procs := runtime.GOMAXPROCS(0)
	if procs < 2 || n < 2*minForkChanges {
		return 0
	}
	return min(bits.Len(uint(procs-1))+1, maxForkLevels)
}

// slabNodes is how many nodes alloc allocates at a time. An update builds
// a new node for every node on its paths; allocating them one by one is
// a good part of its cost. The cache copies the few decoded nodes it
// keeps, so a slab lives only as long as the update. 128 nodes (20 KiB)
// keep a slab a small object, which the runtime allocates faster than a
// large one.
const slabNodes = 128

// alloc returns a zero node from u's slab.
func (u *updater) alloc() *node {
	if len(u.slab) == 0 {
		u.slab = make([]node, slabNodes)
	}
	n := &u.slab[0]
	u.slab = u.slab[1:]
	return n
}

// cached returns the committed node at pos, which must hash to want, if
// the cache holds it (hit reports whether it does).
func (u *updater) cached(pos position, want types.Hash) (n *node, hit bool, err error) {
	r, n := u.t.cache.lookup(pos)
	if r != nil || n != nil {
		u.counts.hits++
	}
	switch {
	case n != nil:
		if n.hash != want {
			return nil, true, fmt.Errorf("%w: cached node at %s does not hash to %s, which its parent wants", ErrCorrupt, pos, want)
		}
		return n, true, nil
	case r == nil:
		return nil, false, nil
	case r.tag != hashTag(&want):
		return nil, true, fmt.Errorf("%w: cached node at %s does not hash to %s, which its parent wants", ErrCorrupt, pos, want)
	}
	n = u.alloc()
	*n = node{hash: want, path: pos.path, child: r.child, split: uint8(pos.bits)}
	return n, true, nil
}

// fetch reads the committed node at pos, which must hash to want, from
// the store. A shallow one is cached once the update is done: nodes read
// are part of the committed tree. A dry run caches nothing.
func (u *updater) fetch(pos position, want types.Hash) (*node, error) {
	u.counts.reads++
	n, err := u.t.readStored(pos, want)
	if err != nil {
		return nil, err
	}
	if !u.dry && u.t.cache.admits(pos) && (!n.leaf || u.t.cache.leaves) {
		u.loaded = append(u.loaded, placedNode{pos, n})
	}
	return n, nil
}

// load returns the committed node at pos, which must hash to want, from
// the cache or the store.
func (u *updater) load(pos position, want types.Hash) (*node, error) {
	if n, hit, err := u.cached(pos, want); hit {
		return n, err
	}
	return u.fetch(pos, want)
}

// child returns the stored node at pos, which must hash to want, for
// applying changes to its subtree. When changes is a single change whose
// Prev hint describes a leaf hashing to want, that leaf is the child (the
// hash commits to its key and value), and no read is needed.
func (u *updater) child(pos position, want types.Hash, changes []Change) (*node, error) {
	if n, hit, err := u.cached(pos, want); hit {
		return n, err
	}
	if len(changes) == 1 && len(changes[0].Prev) > 0 {
		c := &changes[0]
		if vh := ValueHash(c.Prev); leafHash(&c.Key, &vh) == want {
			n := u.alloc()
			*n = node{hash: want, path: c.Key, value: bytes.Clone(c.Prev), leaf: true}
			u.counts.hinted++
			return n, nil
		}
	}
	return u.fetch(pos, want)
}

// retire records that the node stored at pos goes away, unless something is
// written there later in this update. A position is always retired before
// anything is written there, so place can cancel the retirement.
func (u *updater) retire(pos position) {
	if u.vacated == nil {
		u.vacated = make(map[position]struct{})
	}
	u.vacated[pos] = struct{}{}
}

// place puts the root node of s at pos: nothing to do if it is already
// there, otherwise a write (a move vacates its old position).
func (u *updater) place(s subtree, pos position) error {
	if u.dry || (s.stored && s.at == pos) {
		return nil // a dry run needs only hashes, which s already has
	}
	if s.n == nil { // stored elsewhere and known only by hash: fetch to move
		n, err := u.load(s.at, s.h)
		if err != nil {
			return err
		}
		s.n = n
	}
	if s.stored {
		u.retire(s.at) // a move
	}
	if len(u.vacated) > 0 {
		delete(u.vacated, pos)
	}
	u.kbuf = pos.appendStorageKey(u.kbuf[:0])
	u.vbuf = s.n.appendEncoding(u.vbuf[:0])
	u.log.put(u.kbuf, u.vbuf)
	if u.t.cache.admits(pos) {
		u.written = append(u.written, placedNode{pos, s.n})
	}
	return nil
}

// fork returns an updater for a part of u's walk, to run on another
// goroutine.
func (u *updater) fork() *updater {
	f := &updater{t: u.t, dry: u.dry, forks: u.forks - 1}
	if !u.dry {
		f.log = &writeLog{}
	}
	return f
}

// takeOver appends what fork f did to what u did, as if u had done it.
func (u *updater) takeOver(f *updater) {
	if f.log != nil {
		u.log.recs = append(u.log.recs, f.log.recs...)
	}
	for p := range f.vacated {
		u.retire(p)
	}
	u.written = append(u.written, f.written...)
	u.loaded = append(u.loaded, f.loaded...)
	u.undo = append(u.undo, f.undo...)
	u.counts.add(f.counts)
}

// writeLog records a walk's node writes, in order, in memory that stays
// valid until the update is done (chunks are never reallocated).
type writeLog struct {
	buf  []byte
	recs []writeRec
}

type writeRec struct{ key, value []byte }

// writeLogChunk is the size of a writeLog's memory chunks: the largest
// small object.
const writeLogChunk = 32 << 10

// writeTo hands the recorded writes to w in key order: by depth (the
// storage key starts with the position's bit count), and within a depth
// in the order recorded, which is key order because the walk places the
// nodes of one depth left to right. A database batch goes into its
// memtable much faster in key order (see package kvdb).
func (l *writeLog) writeTo(w Writer) error {
	var start [keyBits + 2]int // start[b+1]: records of fewer than b+1 bits
	for _, r := range l.recs {
		start[binary.BigEndian.Uint16(r.key)+1]++
	}
	for b := 1; b < len(start); b++ {
		start[b] += start[b-1]
	}
	order := make([]int32, len(l.recs))
	for i, r := range l.recs {
		b := binary.BigEndian.Uint16(r.key)
		order[start[b]] = int32(i)
		start[b]++
	}
	for _, i := range order {
		r := &l.recs[i]
		if err := w.Put(r.key, r.value); err != nil {
			return fmt.Errorf("trie: write node: %w", err)
		}
	}
	return nil
}

func (l *writeLog) put(key, value []byte) {
	n := len(key) + len(value)
	if cap(l.buf)-len(l.buf) < n {
		l.buf = make([]byte, 0, max(n, writeLogChunk))
	}
	k := len(l.buf)
	l.buf = append(l.buf, key...)
	v := len(l.buf)
	l.buf = append(l.buf, value...)
	l.recs = append(l.recs, writeRec{key: l.buf[k:v:v], value: l.buf[v:len(l.buf):len(l.buf)]})
}

// apply returns the subtree that replaces s once changes are applied. All
// keys in changes (sorted, distinct) lie within s's position. The result is
// not placed: the caller either places it at s's position, overwriting what
// was there, or retires that position.
func (u *updater) apply(s subtree, changes []Change) (subtree, error) {
	switch {
	case len(changes) == 0:
		return s, nil
	case s.empty():
		return u.build(u.inserts(changes))
	case s.n.leaf:
		return u.applyLeaf(s, changes)
	}
	n := s.n
	d := uint(n.split)
	first, last := &changes[0].Key, &changes[len(changes)-1].Key
	// Keys sharing a prefix are contiguous once sorted, so the ends of the
	// batch share the least with n's prefix.
	m := min(commonPrefixLen(first, &n.path), commonPrefixLen(last, &n.path), d)
	if m < d {
		return u.applyAbove(s, changes, m)
	}
	k := sort.Search(len(changes), func(i int) bool { return bit(&changes[i].Key, d) == 1 })
	parts := [2][]Change{changes[:k], changes[k:]}
	var kids [2]subtree
	var err error
	if u.forks > 0 && len(parts[0]) >= minForkChanges && len(parts[1]) >= minForkChanges {
		kids, err = u.applyForked(n, parts)
	} else {
		for b := range uint(2) {
			if kids[b], err = u.applyChild(n, b, parts[b]); err != nil {
				break
			}
		}
	}
	if err != nil {
		return subtree{}, err
	}
	if kids[0].unchangedAt(childPos(&n.path, n.split, 0), n.child[0]) &&
		kids[1].unchangedAt(childPos(&n.path, n.split, 1), n.child[1]) {
		return s, nil
	}
	if !kids[0].empty() && !kids[1].empty() {
		// The common case: n is rebuilt over children that stay where they
		// are, so every changed position is overwritten.
		return u.join(n.split, &n.path, kids[0], kids[1])
	}
	// n goes away, and with it the changed children's positions; a child
	// that survives moves up, which place handles.
	for b := range uint(2) {
		if len(parts[b]) > 0 {
			u.retire(childPos(&n.path, n.split, b))
		}
	}
	if kids[0].empty() {
		return kids[1], nil
	}
	return kids[0], nil
}

// applyChild returns the subtree that replaces inner node n's side-b
// child once changes (all on that side) are applied.
func (u *updater) applyChild(n *node, b uint, changes []Change) (subtree, error) {
	pos := childPos(&n.path, n.split, b)
	kid := subtree{h: n.child[b], at: pos, stored: true}
	if len(changes) == 0 {
		return kid, nil
	}
	c, err := u.child(pos, n.child[b], changes)
	if err != nil {
		return subtree{}, err
	}
	kid.n = c
	return u.apply(kid, changes)
}

// applyForked is applyChild for both sides of n at once, each on its own
// fork, one of them on a new goroutine.
func (u *updater) applyForked(n *node, parts [2][]Change) ([2]subtree, error) {
	var (
		kids [2]subtree
		errs [2]error
		fs   = [2]*updater{u.fork(), u.fork()}
		wg   sync.WaitGroup
	)
	wg.Go(func() { kids[0], errs[0] = fs[0].applyChild(n, 0, parts[0]) })
	kids[1], errs[1] = fs[1].applyChild(n, 1, parts[1])
	wg.Wait()
	for b := range 2 {
		if errs[b] != nil {
			return kids, errs[b]
		}
	}
	for _, f := range fs {
		u.takeOver(f)
	}
	return kids, nil
}

// applyAbove handles a batch some of whose keys leave inner node s's prefix
// at bit m, before its split: a new inner node splitting at m may be needed
// above s, with s (changed by the keys on its side) on one side and a new
// subtree of the other keys on the other.
func (u *updater) applyAbove(s subtree, changes []Change, m uint) (subtree, error) {
	side := bit(&s.n.path, m)
	k := sort.Search(len(changes), func(i int) bool { return bit(&changes[i].Key, m) == 1 })
	parts := [2][]Change{changes[:k], changes[k:]}
	var kids [2]subtree
	for b := range uint(2) { // in key order, so that undo comes out sorted
		var err error
		if b == side {
			kids[b], err = u.apply(s, parts[b])
		} else {
			kids[b], err = u.build(u.inserts(parts[b]))
		}
		if err != nil {
			return subtree{}, err
		}
	}
	switch {
	case kids[1-side].empty(): // only deletions of absent keys out there
		return kids[side], nil
	case kids[side].empty():
		return kids[1-side], nil
	}
	return u.join(uint8(m), &s.n.path, kids[0], kids[1])
}

// applyLeaf merges changes into the single stored leaf s.
func (u *updater) applyLeaf(s subtree, changes []Change) (subtree, error) {
	n := s.n
	entries := make([]entry, 0, len(changes)+1)
	pending, touched := true, false // pending: n's own entry is still to come
	for i := range changes {
		c := &changes[i]
		if pending && bytes.Compare(n.path[:], c.Key[:]) < 0 {
			// n sorts before c and is not in the batch: keep it, in order.
			entries = append(entries, entry{key: n.path, old: s})
			pending = false
		}
		switch {
		case c.Key == n.path:
			pending = false
			if bytes.Equal(c.Value, n.value) {
				entries = append(entries, entry{key: n.path, old: s})
				continue
			}
			touched = true
			u.undo = append(u.undo, Change{Key: c.Key, Value: n.value})
			if len(c.Value) > 0 {
				entries = append(entries, entry{key: c.Key, value: c.Value})
			}
		case len(c.Value) > 0:
			touched = true
			u.undo = append(u.undo, Change{Key: c.Key})
			entries = append(entries, entry{key: c.Key, value: c.Value})
		}
	}
	if pending {
		entries = append(entries, entry{key: n.path, old: s})
	}
	if !touched {
		return s, nil // only no-op changes
	}
	return u.build(entries)
}

// inserts turns a batch for an empty subtree into build entries: deletions
// there are of absent keys and do nothing.
func (u *updater) inserts(changes []Change) []entry {
	entries := make([]entry, 0, len(changes))
	for _, c := range changes {
		if len(c.Value) > 0 {
			u.undo = append(u.undo, Change{Key: c.Key})
			entries = append(entries, entry{key: c.Key, value: c.Value})
		}
	}
	return entries
}

// build returns the canonical subtree of entries (sorted, distinct), placing
// every node below its root.
func (u *updater) build(entries []entry) (subtree, error) {
	switch len(entries) {
	case 0:
		return subtree{}, nil
	case 1:
		if e := entries[0]; e.old.stored {
			return e.old, nil
		}
		n := u.alloc()
		n.setLeaf(&entries[0].key, entries[0].value)
		return subtree{n: n}, nil
	}
	first, last := &entries[0].key, &entries[len(entries)-1].key
	d := commonPrefixLen(first, last) // < 256: the keys differ
	k := sort.Search(len(entries), func(i int) bool { return bit(&entries[i].key, d) == 1 })
	l, err := u.build(entries[:k])
	if err != nil {
		return subtree{}, err
	}
	r, err := u.build(entries[k:])
	if err != nil {
		return subtree{}, err
	}
	return u.join(uint8(d), first, l, r)
}

// join returns a new inner node splitting at split over l and r, whose keys
// share key's first split bits, and places l and r beneath it.
func (u *updater) join(split uint8, key *Key, l, r subtree) (subtree, error) {
	n := u.alloc()
	n.setInner(split, key, l.hash(), r.hash())
	if err := u.place(l, childPos(&n.path, split, 0)); err != nil {
		return subtree{}, err
	}
	if err := u.place(r, childPos(&n.path, split, 1)); err != nil {
		return subtree{}, err
	}
	return subtree{n: n}, nil
}
