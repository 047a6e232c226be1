// Package units parses and formats amounts of the chain's currency, written
// the way people write them: "1.5ether", "20 gwei", "1000wei", or a bare
// "0.1", which means ether, as in wallets and in geth's console.
//
// Pipeline (Parse):
//
//	"1.5 gwei" -> number "1.5", unit "gwei" (10^9 wei)
//	           -> integer and fraction digits, fraction at most 9 digits
//	           -> 1500000000 wei as a 256-bit unsigned integer
//
// Units are Ethereum's named denominations: wei (10^0), kwei, mwei, gwei,
// szabo, finney, ether (10^18); "eth" is accepted for ether. Names are case
// insensitive; a space between number and unit is allowed. Amounts are
// exact: a fraction finer than the unit allows is an error, never rounded.
//
// Errors: ErrSyntax (not a decimal number: empty, "1e18", "0x10", "1.2.3"),
// ErrNegative, ErrUnknownUnit, ErrTooManyDecimals (e.g. "1.5wei"),
// ErrOverflow (more than 2^256-1 wei). Each is wrapped with the input.
package units
