package state

import "github.com/quarry-chain/quarry/chain/types"

// entryKind says what a journal entry undoes.
type entryKind uint8

const (
	entryAccount entryKind = iota // restore an account's previous value
	entrySlot                     // restore a storage slot's previous value
	entryLog                      // drop the last log
)

// journalEntry records the value something had before one change. A
// concrete struct rather than an interface per kind keeps the journal one
// allocation-free slice: a block of transfers appends thousands of entries.
type journalEntry struct {
	kind       entryKind
	addr       types.Address
	slot       types.Hash // entrySlot
	prevSlot   types.Hash // entrySlot
	prevAcct   Account    // entryAccount
	prevExists bool       // entryAccount
}

// revision maps a Snapshot identifier to a journal length.
type revision struct {
	id         int
	journalLen int
}

// journal is the undo log of one transaction's changes.
type journal struct {
	entries   []journalEntry
	revisions []revision // ascending ids
	nextID    int
}

// snapshot returns a new revision identifier at the current journal length.
func (j *journal) snapshot() int {
	id := j.nextID
	j.nextID++
	j.revisions = append(j.revisions, revision{id: id, journalLen: len(j.entries)})
	return id
}

// findRevision returns the journal length recorded for id and the index of
// the revision, or ok false for an unknown id.
func (j *journal) findRevision(id int) (journalLen, index int, ok bool) {
	lo, hi := 0, len(j.revisions)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if j.revisions[mid].id < id {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo == len(j.revisions) || j.revisions[lo].id != id {
		return 0, 0, false
	}
	return j.revisions[lo].journalLen, lo, true
}

// reset forgets every entry and revision, keeping the capacity.
func (j *journal) reset() {
	j.entries = j.entries[:0]
	j.revisions = j.revisions[:0]
}
