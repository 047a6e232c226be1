// Package params reads a network's genesis file and derives the chain
// configuration the consensus rules run on. It imports only chain/types.
//
// Pipeline:
//
//	genesis.json --ParseGenesis/LoadGenesis--> *Genesis --Config--> *ChainConfig
//	                                              |
//	                                              +--Header(stateRoot)--> genesis header
//
// The genesis header's hash identifies the network. The state root of the
// alloc is computed by the state package and passed to Header, so this
// package stays free of state code. Same file, same Genesis, same header,
// same hash: parsing is strict and the alloc is kept sorted.
//
// # The genesis file
//
// A JSON object with these members (camelCase, exact case). Unknown members,
// a member given twice, null values and trailing data are errors. Integers are
// JSON numbers (no sign, fraction or exponent); amounts of wei are strings,
// decimal or 0x-hex, since they exceed what JSON numbers carry exactly; byte
// strings and compact targets are 0x-prefixed hex strings.
//
//	chainId            number, required. EIP-155 chain id that transactions
//	                   sign for; 1 to MaxChainID (2^52-19, so wallets written in
//	                   JavaScript represent v exactly).
//	timestamp          number, required. Genesis time in unix milliseconds. It
//	                   is ASERT's anchor: set it to when mining starts, since a
//	                   genesis far in the past leaves the chain behind schedule
//	                   and the difficulty at powLimitBits until it catches up.
//	targetBlockTimeMs  number, required. Desired mean block interval in ms,
//	                   1 to 86,400,000 (a day).
//	asertHalfLifeMs    number, required. ASERT half-life in ms: the
//	                   difficulty doubles for every half-life the chain runs
//	                   ahead of schedule and halves for every half-life
//	                   behind. From targetBlockTimeMs to one year; a few
//	                   hundred block times is usual (BCH: 288 blocks).
//	initialBits        string, required. Compact target of the genesis block
//	                   and of block 1, e.g. "0x1f00ffff" (0x and 8 hex digits).
//	                   Must be a valid, canonical compact target (as
//	                   TargetToCompact writes it) no easier than powLimitBits.
//	powLimitBits       string, required. The easiest target allowed, which
//	                   ASERT never exceeds; same format and rules.
//	reward             object, required:
//	    initial          string. Block subsidy in wei before any halving,
//	                     below 2^256.
//	    halvingInterval  number. Blocks between halvings; 0 = never. Subsidy
//	                     at height h is initial >> (h / halvingInterval), and
//	                     zero after 256 halvings.
//	gasLimit           number, required. Gas limit of every block, from 21000
//	                   (one transfer) to 2^63-1.
//	maxBlockBytes      number, required. Largest encoded block in bytes, from
//	                   1 KiB to 1 GiB.
//	maxDriftMs         number, optional (default 15000). How far a block's time
//	                   may lead the validating node's clock, 1 ms to a day.
//	extraData          string, optional. Up to 16 bytes of hex placed in the
//	                   genesis header's extra field (zero-padded).
//	alloc              object, optional. Initial accounts, keyed by address
//	                   (40 hex digits, 0x optional, all-lower, all-upper or
//	                   valid EIP-55 case; the same address twice is an error).
//	                   Each value is an object with optional members:
//	    balance          string. Wei, below 2^256.
//	    nonce            number. Below 2^64-1 (EIP-2681).
//	    code             string. Contract code as 0x-hex.
//	    storage          object. Slot -> value, both 0x and 1 to 64 hex
//	                     digits, left-padded to 32 bytes; values must be
//	                     non-zero (an unset slot is zero already).
//	                   An account with none of them set is an error.
//
// testdata/genesis_example.json is a complete example; DevGenesis returns the
// local development chain's genesis (chain id 1337, one-second blocks).
//
// # Errors
//
// Every parsing and validation error is a *FieldError naming the field as a
// JSON path ("reward.initial", "alloc[0x...].balance"). It matches
// ErrInvalidGenesis and exactly one kind: ErrSyntax (not JSON, or the wrong
// JSON type), ErrUnknownField, ErrDuplicateField, ErrMissingField or
// ErrBadValue (out of range, bad hex, invalid target); match them with
// errors.Is and the field with errors.As.
package params
