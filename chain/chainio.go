package chain

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/quarry-chain/quarry/chain/kvdb"
	"github.com/quarry-chain/quarry/chain/types"
)

// Database layout of the chain's own records. Every key starts with one
// lower-case letter (the state package uses other prefixes; see its doc):
//
//	h | block hash        -> header (212 bytes) | status (1 byte)   every known block
//	b | block hash        -> body (the block's transaction list)      every known block
//	n | height (8, BE)    -> block hash                               active chain only
//	t | tx hash           -> block hash | index (4, BE)               active chain only
//	r | block hash        -> receipts                                 active chain only
//	u | block hash        -> state undo data                          active chain only
//	\x00head              -> hash of the active chain's tip
//	\x00genesis           -> genesis block hash (identifies the network)
var (
	prefixHeader   = []byte("h")
	prefixBody     = []byte("b")
	prefixHeight   = []byte("n")
	prefixTxLookup = []byte("t")
	prefixReceipts = []byte("r")
	prefixUndo     = []byte("u")
	keyHead        = []byte("\x00head")
	keyGenesis     = []byte("\x00genesis")
)

// ErrCorruptDB means the database contradicts itself (a missing record the
// chain's own writes guarantee, or one that does not decode).
var ErrCorruptDB = errors.New("chain: database is corrupt")

func hashKey(prefix []byte, h types.Hash) []byte {
	k := make([]byte, 0, len(prefix)+types.HashLength)
	return append(append(k, prefix...), h[:]...)
}

func heightKey(height uint64) []byte {
	k := make([]byte, len(prefixHeight)+8)
	copy(k, prefixHeight)
	binary.BigEndian.PutUint64(k[len(prefixHeight):], height)
	return k
}

func putHeader(b *kvdb.Batch, h *types.Header, hash types.Hash, status blockStatus) {
	v := make([]byte, types.HeaderSize+1)
	var enc [types.HeaderSize]byte
	h.EncodeTo(&enc)
	copy(v, enc[:])
	v[types.HeaderSize] = byte(status)
	b.Put(hashKey(prefixHeader, hash), v)
}

func decodeHeaderRecord(v []byte) (*types.Header, blockStatus, error) {
	if len(v) != types.HeaderSize+1 {
		return nil, 0, fmt.Errorf("%w: header record of %d bytes", ErrCorruptDB, len(v))
	}
	h, err := types.DecodeHeader(v[:types.HeaderSize])
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %v", ErrCorruptDB, err)
	}
	return h, blockStatus(v[types.HeaderSize]), nil
}

// getter reads the store: a kvdb.DB or a consistent kvdb.Snapshot of it.
type getter interface {
	Get(key []byte) ([]byte, error)
}

func readHeader(db getter, hash types.Hash) (*types.Header, blockStatus, error) {
	v, err := db.Get(hashKey(prefixHeader, hash))
	if err != nil {
		return nil, 0, err
	}
	return decodeHeaderRecord(v)
}

// putTxLookups records in b where block (hash) includes each of txs, in
// the order of the records' keys: the store inserts a batch into its
// memtable record by record, and faster in key order.
func putTxLookups(b *kvdb.Batch, txs []*types.Transaction, block types.Hash) {
	type lookup struct {
		tx    types.Hash
		index int
	}
	ls := make([]lookup, len(txs))
	for i, tx := range txs {
		ls[i] = lookup{tx.Hash(), i}
	}
	slices.SortFunc(ls, func(x, y lookup) int { return bytes.Compare(x.tx[:], y.tx[:]) })
	for _, l := range ls {
		putTxLookup(b, l.tx, block, l.index)
	}
}

func putTxLookup(b *kvdb.Batch, tx types.Hash, block types.Hash, index int) {
	v := make([]byte, types.HashLength+4)
	copy(v, block[:])
	binary.BigEndian.PutUint32(v[types.HashLength:], uint32(index))
	b.Put(hashKey(prefixTxLookup, tx), v)
}

// TxLocation says where the active chain includes a transaction.
type TxLocation struct {
	BlockHash types.Hash
	Height    uint64
	Index     int
}

func readTxLookup(db *kvdb.DB, tx types.Hash) (types.Hash, int, error) {
	v, err := db.Get(hashKey(prefixTxLookup, tx))
	if err != nil {
		return types.Hash{}, 0, err
	}
	if len(v) != types.HashLength+4 {
		return types.Hash{}, 0, fmt.Errorf("%w: tx lookup record of %d bytes", ErrCorruptDB, len(v))
	}
	return types.BytesToHash(v[:types.HashLength]), int(binary.BigEndian.Uint32(v[types.HashLength:])), nil
}

// getRequired reads a key that the chain's own writes guarantee exists;
// absence means corruption, not a missing block.
func getRequired(db getter, key []byte, what string) ([]byte, error) {
	v, err := db.Get(key)
	if errors.Is(err, kvdb.ErrNotFound) {
		return nil, fmt.Errorf("%w: missing %s", ErrCorruptDB, what)
	}
	return v, err
}
