package abi

import "errors"

// Error kinds. Every error this package returns wraps exactly one.
var (
	ErrSignature = errors.New("abi: bad function signature")
	ErrType      = errors.New("abi: bad type")
	ErrArgCount  = errors.New("abi: wrong number of arguments")
	ErrValue     = errors.New("abi: bad argument value")
	ErrDecode    = errors.New("abi: data does not decode as the given types")
)
