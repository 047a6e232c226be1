// Package abi encodes contract calls and decodes their results in the
// Ethereum contract ABI, from the text a person types on a command line:
// a signature such as "transfer(address,uint256)" and arguments such as
// "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" and "1000".
//
// Pipeline:
//
//	"transfer(address,uint256)" --ParseSignature--> Method{Name, Inputs}
//	Method.Selector() = Keccak-256("transfer(address,uint256)")[:4]
//	argument strings --ParseValue(type)--> Values --Encode--> head || tail
//	call data = selector || Encode(inputs, values)
//	return data --Decode(outputs)--> Values --String / JSON--> text
//
// Types: uint<M> and int<M> (M = 8..256 in steps of 8; uint and int mean
// 256), address, bool, bytes<M> (M = 1..32), bytes, string, and arrays T[]
// and T[k] of any of them, nested. Tuples are not supported.
//
// Argument syntax: integers in decimal or 0x hex (int<M> may be negative);
// addresses as 40 hex digits (mixed case must be a valid EIP-55 checksum);
// bool as true or false; bytes as 0x hex; strings as they are; arrays as
// [a,b,c], where an element may be a double-quoted Go string literal.
//
// Decoding is strict: offsets and lengths must lie inside the data, and
// every word must be a canonical encoding of its type (no stray high bits
// in an address, bool or short integer), so a malformed answer is an error
// rather than a silently wrong number.
//
// Errors: ErrSignature (a signature that does not parse), ErrType (an
// unknown or out-of-range type), ErrArgCount, ErrValue (an argument that
// is not a value of its type, or out of its range), ErrDecode (data that
// is not an encoding of the types). Each is wrapped with what was wrong.
package abi
