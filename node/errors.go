package node

import (
	"errors"

	"github.com/quarry-chain/quarry/rpc"
)

// Errors of this package.
var (
	// ErrDataDirInUse: another process holds the data directory.
	ErrDataDirInUse = errors.New("node: data directory is in use by another process")
	// ErrConfig: the configuration is incomplete or contradictory.
	ErrConfig = errors.New("node: invalid configuration")

	// errBadPeer answers admin_ peer methods given a bad address or id
	// with -32602.
	errBadPeer = rpc.NewKind(rpc.CodeInvalidParams, "invalid peer")
)
