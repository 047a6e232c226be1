package kvdb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/syndtr/goleveldb/leveldb"
	leveldberrors "github.com/syndtr/goleveldb/leveldb/errors"
	"github.com/syndtr/goleveldb/leveldb/filter"
	"github.com/syndtr/goleveldb/leveldb/iterator"
	"github.com/syndtr/goleveldb/leveldb/opt"
	"github.com/syndtr/goleveldb/leveldb/storage"
	"github.com/syndtr/goleveldb/leveldb/util"
)

// SchemaVersion is the layout version of the data this code writes. Bump it
// when the meaning of any stored key changes.
const SchemaVersion uint32 = 1

// schemaKey holds the big-endian SchemaVersion. It starts with a byte no
// other key uses so it cannot collide with chain data.
var schemaKey = []byte("\x00schema-version")

// Errors returned by this package.
var (
	ErrNotFound      = errors.New("kvdb: not found")
	ErrInUse         = errors.New("kvdb: data directory is in use by another process")
	ErrSchemaVersion = errors.New("kvdb: unsupported database schema version")
	ErrCorrupt       = errors.New("kvdb: database is corrupt")
)

// Options tune the store. The zero value is a sensible default.
type Options struct {
	// CacheMiB is the block cache size in MiB (default 32).
	CacheMiB int
	// NoSync skips fsync on Write. A process crash still loses nothing (the
	// journal is in the OS's page cache); a power loss may lose the last
	// writes. For tests and benchmarks.
	NoSync bool
}

// DB is an open key-value store.
type DB struct {
	ldb    *leveldb.DB
	stor   storage.Storage // closed with the DB: it holds the directory lock
	opts   *opt.Options    // as opened: Compact reads the level targets
	noSync bool
}

// Open opens (creating if needed) the store in dir.
func Open(dir string, o Options) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("kvdb: create %s: %w", dir, err)
	}
	stor, err := storage.OpenFile(dir, false)
	if err != nil {
		// goleveldb's file storage takes an flock on dir/LOCK; failing to
		// get it means someone else holds it.
		if isLockError(err) {
			return nil, fmt.Errorf("%w: %s", ErrInUse, filepath.Clean(dir))
		}
		return nil, fmt.Errorf("kvdb: open %s: %w", dir, err)
	}
	if err := discardUnfinishedCreation(dir, stor); err != nil {
		stor.Close()
		return nil, fmt.Errorf("kvdb: open %s: %w", dir, err)
	}
	db, err := openStorage(stor, o)
	if err != nil {
		stor.Close()
		return nil, fmt.Errorf("kvdb: open %s: %w", dir, err)
	}
	return db, nil
}

// discardUnfinishedCreation removes what goleveldb leaves of a store whose
// creation was cut short (the process killed during its first Open): a
// manifest, perhaps a half-written pending CURRENT, but no CURRENT, which
// goleveldb writes last, by an atomic rename, and without which it refuses
// to open the directory as corrupt. Such a store never accepted a write:
// goleveldb creates the first journal only after CURRENT. So when there is
// no CURRENT and no journal or table file, there is no data to lose, and
// the store is created afresh. Anything else is left for goleveldb to
// judge.
func discardUnfinishedCreation(dir string, stor storage.Storage) error {
	if _, err := os.Stat(filepath.Join(dir, "CURRENT")); !errors.Is(err, os.ErrNotExist) {
		return nil // a created store (or an error that Open will report)
	}
	data, err := stor.List(storage.TypeJournal | storage.TypeTable)
	if err != nil || len(data) > 0 {
		return nil
	}
	partial, err := stor.List(storage.TypeManifest | storage.TypeTemp)
	if err != nil {
		return nil
	}
	for _, fd := range partial {
		if err := stor.Remove(fd); err != nil {
			return fmt.Errorf("remove %s of an unfinished creation: %w", fd, err)
		}
	}
	pending, err := filepath.Glob(filepath.Join(dir, "CURRENT.*"))
	if err != nil {
		return nil
	}
	for _, name := range pending {
		if err := os.Remove(name); err != nil {
			return fmt.Errorf("remove %s of an unfinished creation: %w", filepath.Base(name), err)
		}
	}
	return nil
}

// OpenMemory returns an empty store that lives in memory.
func OpenMemory() *DB {
	db, err := openStorage(storage.NewMemStorage(), Options{NoSync: true})
	if err != nil {
		panic("kvdb: memory storage failed to open: " + err.Error())
	}
	return db
}

func openStorage(stor storage.Storage, o Options) (*DB, error) {
	cache := o.CacheMiB
	if cache <= 0 {
		cache = 32
	}
	opts := &opt.Options{
		BlockCacheCapacity: cache * opt.MiB,
		WriteBuffer:        16 * opt.MiB,
		// State reads often ask for absent keys (new accounts, empty
		// slots); a bloom filter answers most of them without a disk read.
		Filter: filter.NewBloomFilter(10),
		// Seek compaction merges a table into the next level once reads
		// have looked in it in vain often enough. The bloom filters already
		// spare those reads, and the state's keys are hashes: a table of
		// them spans the whole key range, so each such compaction rewrites
		// the entire next level (all of a large state), many times per
		// block. Compactions are left to the size targets.
		DisableSeeksCompaction: true,
	}
	ldb, err := leveldb.Open(stor, opts)
	if leveldberrors.IsCorrupted(err) {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if err != nil {
		return nil, err
	}
	db := &DB{ldb: ldb, stor: stor, opts: opts, noSync: o.NoSync}
	if err := db.checkSchema(); err != nil {
		ldb.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) checkSchema() error {
	v, err := db.ldb.Get(schemaKey, nil)
	switch {
	case errors.Is(err, leveldb.ErrNotFound):
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], SchemaVersion)
		return db.ldb.Put(schemaKey, b[:], &opt.WriteOptions{Sync: !db.noSync})
	case err != nil:
		return err
	case len(v) != 4:
		return fmt.Errorf("%w: schema key holds %d bytes", ErrCorrupt, len(v))
	case binary.BigEndian.Uint32(v) != SchemaVersion:
		return fmt.Errorf("%w: found %d, this build reads %d", ErrSchemaVersion, binary.BigEndian.Uint32(v), SchemaVersion)
	}
	return nil
}

// Close closes the store and releases the directory lock.
func (db *DB) Close() error {
	return errors.Join(db.ldb.Close(), db.stor.Close())
}

// Get returns the value stored under key, or ErrNotFound. The caller may keep
// and modify the returned slice.
func (db *DB) Get(key []byte) ([]byte, error) {
	v, err := db.ldb.Get(key, nil)
	if errors.Is(err, leveldb.ErrNotFound) {
		return nil, ErrNotFound
	}
	return v, err
}

// Has reports whether key is present.
func (db *DB) Has(key []byte) (bool, error) { return db.ldb.Has(key, nil) }

// Write applies b atomically (and durably unless the store was opened with
// NoSync).
func (db *DB) Write(b *Batch) error {
	return db.ldb.Write(&b.b, &opt.WriteOptions{Sync: !db.noSync})
}

// Iterate calls fn for every key with the given prefix, in key order, until
// fn returns false or an error. Key and value are only valid during the call.
func (db *DB) Iterate(prefix []byte, fn func(key, value []byte) (bool, error)) error {
	it := db.ldb.NewIterator(util.BytesPrefix(prefix), nil)
	defer it.Release()
	return iterate(it, fn)
}

func iterate(it iterator.Iterator, fn func(key, value []byte) (bool, error)) error {
	for it.Next() {
		more, err := fn(it.Key(), it.Value())
		if err != nil {
			return err
		}
		if !more {
			break
		}
	}
	return it.Error()
}

// Compact rewrites the whole store into its final levels, settling every
// pending compaction now. A bulk load (a genesis of a million accounts is
// a single batch of hundreds of megabytes) otherwise leaves a backlog that
// goleveldb works off in the background for minutes, competing with block
// processing for the CPU and making every read probe more tables.
//
// CompactRange alone leaves everything in one oversized level, which the
// background compaction then pushes down over the next seconds; Compact
// also waits (up to maxSettle) until every level is within goleveldb's
// size targets, the state in which a store that grew gradually would be.
func (db *DB) Compact() error {
	if err := db.ldb.CompactRange(util.Range{}); err != nil {
		return fmt.Errorf("kvdb: compact: %w", err)
	}
	for deadline := time.Now().Add(maxSettle); time.Now().Before(deadline); time.Sleep(settlePoll) {
		settled, err := db.settled()
		if err != nil || settled {
			return err
		}
	}
	return nil
}

// maxSettle bounds how long Compact waits for the background compaction;
// settlePoll is how often it looks.
const (
	maxSettle  = 10 * time.Minute
	settlePoll = 50 * time.Millisecond
)

// settled reports whether goleveldb has no compaction left to pick: few
// enough level-0 tables, and every other level within its size target.
func (db *DB) settled() (bool, error) {
	var st leveldb.DBStats
	if err := db.ldb.Stats(&st); err != nil {
		return false, fmt.Errorf("kvdb: stats: %w", err)
	}
	for level, size := range st.LevelSizes {
		switch {
		case level == 0:
			if st.LevelTablesCounts[0] >= db.opts.GetCompactionL0Trigger() {
				return false, nil
			}
		case size >= db.opts.GetCompactionTotalSize(level):
			return false, nil
		}
	}
	return true, nil
}

// batchGrowLimit is the record count up to which a batch's buffer doubles
// when full. goleveldb's default (3,000 records) makes a larger batch grow
// by about 3,000 records at a time, copying the whole buffer each time:
// quadratic in the batch size, minutes for a large genesis. Doubling is
// amortised linear; the cost is at most twice the batch's size in memory.
const batchGrowLimit = 1 << 30

// Batch collects writes to apply atomically with DB.Write. The zero value is
// an empty batch.
type Batch struct {
	b     leveldb.Batch
	ready bool // b was made with batchGrowLimit
}

// init gives b its growth policy on first use, so that the zero value
// stays usable.
func (b *Batch) init() {
	if !b.ready {
		b.b = *leveldb.MakeBatchWithConfig(&leveldb.BatchConfig{GrowLimit: batchGrowLimit})
		b.ready = true
	}
}

// Put records key = value. Both slices are copied.
func (b *Batch) Put(key, value []byte) {
	b.init()
	b.b.Put(key, value)
}

// Delete records the removal of key.
func (b *Batch) Delete(key []byte) {
	b.init()
	b.b.Delete(key)
}

// Len is the number of records in the batch.
func (b *Batch) Len() int { return b.b.Len() }

// Size is the batch's encoded size in bytes.
func (b *Batch) Size() int { return len(b.b.Dump()) }

// Reset empties the batch for reuse.
func (b *Batch) Reset() { b.b.Reset() }
