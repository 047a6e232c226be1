package miner

import "errors"

// Errors returned by the miner.
var (
	// ErrConfig: New was given an unusable Config.
	ErrConfig = errors.New("miner: bad configuration")
	// ErrRunning: Start on a miner that is already mining.
	ErrRunning = errors.New("miner: already running")
	// ErrNotRunning: Stop on a miner that is not mining.
	ErrNotRunning = errors.New("miner: not running")
	// ErrBadThreads: a thread count outside 0..MaxThreads.
	ErrBadThreads = errors.New("miner: bad thread count")
)
