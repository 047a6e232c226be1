// Package hexutil encodes and decodes the two hex forms of Ethereum's
// JSON-RPC API, as the execution-apis specification defines them:
//
//   - a quantity is an unsigned integer written as "0x" followed by its
//     hex digits without leading zeros: "0x0", "0x1", "0x400";
//   - data (bytes, hashes, addresses, code) is "0x" followed by two hex
//     digits per byte: "0x", "0x00ff".
//
// Encoders always produce the canonical lower-case form. Decoders are
// strict: they reject a missing prefix, an empty quantity ("0x"), leading
// zeros, non-hex characters, odd-length data and numbers wider than the
// destination (64 or 256 bits). Upper-case hex digits are accepted on input.
//
// The JSON types Uint64, U256 and Bytes apply the same rules in
// encoding/json, and additionally refuse JSON values that are not strings.
// Bytes can also append its JSON to a buffer sized with JSONLen, for
// callers that write large answers without encoding/json's copies.
//
// Errors: every decoding failure wraps ErrInvalidHex and one of the more
// specific sentinels (ErrMissingPrefix, ErrEmptyNumber, ErrLeadingZero,
// ErrSyntax, ErrOddLength, ErrUint64Range, ErrUint256Range, ErrNotString),
// so callers match them with errors.Is.
package hexutil
