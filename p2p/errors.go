package p2p

import (
	"errors"
	"fmt"
)

// Errors returned by the package. Decoding errors all wrap ErrMalformed, so
// a caller that only needs to know "the peer sent bad bytes" checks that one;
// the others say which rule the bytes broke.
var (
	// ErrMalformed: a message does not decode (wrapped by the more specific
	// decoding errors below).
	ErrMalformed = errors.New("p2p: malformed message")
	// ErrMessageTooLarge: a frame's declared length exceeds the cap for its
	// protocol. It does not wrap ErrMalformed: the bytes may be well formed,
	// they are just more than we accept.
	ErrMessageTooLarge = errors.New("p2p: message too large")
	// ErrUnknownKind: the message kind byte names no message.
	ErrUnknownKind = fmt.Errorf("%w: unknown message kind", ErrMalformed)
	// ErrTooManyItems: a list holds more entries than its message allows.
	ErrTooManyItems = fmt.Errorf("%w: too many items", ErrMalformed)
	// ErrTrailingBytes: bytes left after a complete message.
	ErrTrailingBytes = fmt.Errorf("%w: trailing bytes", ErrMalformed)
	// ErrNonCanonical: a value has more than one encoding and this is not the
	// shortest (varints with redundant bytes, big integers with leading
	// zeros).
	ErrNonCanonical = fmt.Errorf("%w: non-canonical encoding", ErrMalformed)
	// ErrUnexpectedMessage: a well-formed message of a kind that the protocol
	// does not allow at this point (a response sent as a request, say).
	ErrUnexpectedMessage = errors.New("p2p: unexpected message")

	// ErrIncompatible: the peer belongs to another network (genesis or chain
	// id) or speaks another protocol version.
	ErrIncompatible = errors.New("p2p: incompatible peer")
	// ErrBadResponse: a response that does not answer the request (blocks
	// that were not asked for, headers that do not link).
	ErrBadResponse = errors.New("p2p: bad response")
	// ErrTimeout: a peer did not answer within the request timeout.
	ErrTimeout = errors.New("p2p: request timed out")
	// ErrNoPeers: no connected peer can serve a request.
	ErrNoPeers = errors.New("p2p: no peer can serve the request")

	// ErrBadConfig: a Config field is invalid (a bad multiaddr, a bootnode
	// without a peer id, inconsistent limits).
	ErrBadConfig = errors.New("p2p: invalid configuration")
	// ErrBadKey: the identity key file exists but does not hold a key.
	ErrBadKey = errors.New("p2p: invalid identity key file")
	// ErrNotStarted: the Service is not running.
	ErrNotStarted = errors.New("p2p: service not started")
	// ErrSelf: an admin call named our own peer id.
	ErrSelf = errors.New("p2p: peer is ourselves")
	// ErrBanned: a peer is banned or blocked and may not be dialled.
	ErrBanned = errors.New("p2p: peer is banned or blocked")
)
