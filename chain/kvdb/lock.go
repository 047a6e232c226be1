package kvdb

import (
	"errors"
	"syscall"

	"github.com/syndtr/goleveldb/leveldb/storage"
)

// isLockError reports whether err means the directory lock is held:
// goleveldb returns flock's EWOULDBLOCK as is, from any process, including
// this one (flock locks belong to open files, not processes).
func isLockError(err error) bool {
	return errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN) ||
		errors.Is(err, storage.ErrLocked)
}
