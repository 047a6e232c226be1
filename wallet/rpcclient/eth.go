package rpcclient

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/holiman/uint256"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/rpc/hexutil"
)

// Typed helpers for the eth_ methods a wallet uses. Block arguments are
// tags ("latest", "pending", "earliest") or 0x quantities; see BlockArg.

// BlockArg returns the JSON-RPC form of a block number.
func BlockArg(n uint64) string { return hexutil.EncodeUint64(n) }

// ChainID returns eth_chainId.
func (c *Client) ChainID(ctx context.Context) (uint64, error) {
	var n hexutil.Uint64
	if err := c.Call(ctx, &n, "eth_chainId"); err != nil {
		return 0, err
	}
	return uint64(n), nil
}

// BlockNumber returns eth_blockNumber, the height of the node's tip.
func (c *Client) BlockNumber(ctx context.Context) (uint64, error) {
	var n hexutil.Uint64
	if err := c.Call(ctx, &n, "eth_blockNumber"); err != nil {
		return 0, err
	}
	return uint64(n), nil
}

// Balance returns eth_getBalance of addr at block.
func (c *Client) Balance(ctx context.Context, addr types.Address, block string) (*uint256.Int, error) {
	var v hexutil.U256
	if err := c.Call(ctx, &v, "eth_getBalance", addr, block); err != nil {
		return nil, err
	}
	return v.Int(), nil
}

// Nonce returns eth_getTransactionCount of addr at block: "pending"
// counts the node's pool too, which is the nonce for a new transaction.
func (c *Client) Nonce(ctx context.Context, addr types.Address, block string) (uint64, error) {
	var n hexutil.Uint64
	if err := c.Call(ctx, &n, "eth_getTransactionCount", addr, block); err != nil {
		return 0, err
	}
	return uint64(n), nil
}

// GasPrice returns eth_gasPrice, the node's suggested price per gas.
func (c *Client) GasPrice(ctx context.Context) (*uint256.Int, error) {
	var v hexutil.U256
	if err := c.Call(ctx, &v, "eth_gasPrice"); err != nil {
		return nil, err
	}
	return v.Int(), nil
}

// SendRawTransaction submits a signed transaction encoding and returns
// the hash the node reports.
func (c *Client) SendRawTransaction(ctx context.Context, raw []byte) (types.Hash, error) {
	var h types.Hash
	if err := c.Call(ctx, &h, "eth_sendRawTransaction", hexutil.Encode(raw)); err != nil {
		return types.Hash{}, err
	}
	return h, nil
}

// CallMsg is the transaction object of eth_call and eth_estimateGas.
type CallMsg struct {
	From     *types.Address  `json:"from,omitempty"`
	To       *types.Address  `json:"to,omitempty"`
	Gas      *hexutil.Uint64 `json:"gas,omitempty"`
	GasPrice *hexutil.U256   `json:"gasPrice,omitempty"`
	Value    *hexutil.U256   `json:"value,omitempty"`
	Data     hexutil.Bytes   `json:"input,omitempty"`
}

// CallContract runs eth_call and returns the return data. A revert comes
// back as *Error with RevertData.
func (c *Client) CallContract(ctx context.Context, msg CallMsg, block string) ([]byte, error) {
	var out hexutil.Bytes
	if err := c.Call(ctx, &out, "eth_call", msg, block); err != nil {
		return nil, err
	}
	return out, nil
}

// EstimateGas runs eth_estimateGas.
func (c *Client) EstimateGas(ctx context.Context, msg CallMsg) (uint64, error) {
	var n hexutil.Uint64
	if err := c.Call(ctx, &n, "eth_estimateGas", msg); err != nil {
		return 0, err
	}
	return uint64(n), nil
}

// Log is a log object of a receipt or of eth_getLogs.
type Log struct {
	Address          types.Address  `json:"address"`
	Topics           []types.Hash   `json:"topics"`
	Data             hexutil.Bytes  `json:"data"`
	BlockNumber      hexutil.Uint64 `json:"blockNumber"`
	BlockHash        types.Hash     `json:"blockHash"`
	TransactionHash  types.Hash     `json:"transactionHash"`
	TransactionIndex hexutil.Uint64 `json:"transactionIndex"`
	LogIndex         hexutil.Uint64 `json:"logIndex"`
	Removed          bool           `json:"removed"`
}

// Receipt is a transaction receipt.
type Receipt struct {
	TransactionHash   types.Hash     `json:"transactionHash"`
	TransactionIndex  hexutil.Uint64 `json:"transactionIndex"`
	BlockHash         types.Hash     `json:"blockHash"`
	BlockNumber       hexutil.Uint64 `json:"blockNumber"`
	From              types.Address  `json:"from"`
	To                *types.Address `json:"to"`
	CumulativeGasUsed hexutil.Uint64 `json:"cumulativeGasUsed"`
	GasUsed           hexutil.Uint64 `json:"gasUsed"`
	EffectiveGasPrice hexutil.U256   `json:"effectiveGasPrice"`
	ContractAddress   *types.Address `json:"contractAddress"`
	Logs              []Log          `json:"logs"`
	Type              hexutil.Uint64 `json:"type"`
	Status            hexutil.Uint64 `json:"status"`
}

// Receipt returns the receipt of a mined transaction, or nil (and no
// error) while it is pending or unknown.
func (c *Client) Receipt(ctx context.Context, hash types.Hash) (*Receipt, error) {
	var r *Receipt
	if err := c.Call(ctx, &r, "eth_getTransactionReceipt", hash); err != nil {
		return nil, err
	}
	return r, nil
}

// RawObject calls a method whose answer is shown rather than used (a
// transaction, a block) and returns it as the node sent it; nil for null.
func (c *Client) RawObject(ctx context.Context, method string, params ...any) (json.RawMessage, error) {
	var raw json.RawMessage
	if err := c.Call(ctx, &raw, method, params...); err != nil {
		return nil, err
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	return raw, nil
}

// FilterQuery is eth_getLogs' filter. Topics[i] lists the accepted values
// at position i; an empty list accepts any.
type FilterQuery struct {
	FromBlock string
	ToBlock   string
	Addresses []types.Address
	Topics    [][]types.Hash
}

// MarshalJSON writes the filter object the execution-apis specify.
func (q FilterQuery) MarshalJSON() ([]byte, error) {
	obj := map[string]any{}
	if q.FromBlock != "" {
		obj["fromBlock"] = q.FromBlock
	}
	if q.ToBlock != "" {
		obj["toBlock"] = q.ToBlock
	}
	if len(q.Addresses) > 0 {
		obj["address"] = q.Addresses
	}
	if len(q.Topics) > 0 {
		topics := make([]any, len(q.Topics))
		for i, alts := range q.Topics {
			switch len(alts) {
			case 0:
				topics[i] = nil
			case 1:
				topics[i] = alts[0]
			default:
				topics[i] = alts
			}
		}
		obj["topics"] = topics
	}
	return json.Marshal(obj)
}

// Logs runs eth_getLogs.
func (c *Client) Logs(ctx context.Context, q FilterQuery) ([]Log, error) {
	var logs []Log
	if err := c.Call(ctx, &logs, "eth_getLogs", q); err != nil {
		return nil, err
	}
	return logs, nil
}

func decodeHex(s string) ([]byte, error) {
	rest, ok := strings.CutPrefix(s, "0x")
	if !ok {
		return nil, fmt.Errorf("%w: missing 0x", ErrBadResponse)
	}
	return hex.DecodeString(rest)
}
