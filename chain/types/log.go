package types

// MaxLogTopics is the number of topics a log may carry, as in Ethereum.
const MaxLogTopics = 4

// Log is an event emitted by a contract: the emitting address, up to four
// topics (the first, by convention, the Keccak-256 of the event signature)
// and opaque data. Receipts commit to their logs.
type Log struct {
	Address Address
	Topics  []Hash
	Data    []byte
}
