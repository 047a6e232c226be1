package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"strings"
	"text/tabwriter"
)

// maxInput bounds what is read from stdin or a file given as data.
const maxInput = 64 << 20

func readAllLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err == nil && len(b) > maxInput {
		err = fmt.Errorf("input larger than %d bytes", maxInput)
	}
	return b, err
}

// printJSON writes v as indented JSON.
func (a *app) printJSON(v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(a.stdout, "%s\n", b)
	return err
}

// printRaw writes a JSON object from the node: as it is with --json,
// otherwise as "key  value" lines in the node's order with quantities
// in decimal.
func (a *app) printRaw(raw json.RawMessage) error {
	if a.json {
		var buf bytes.Buffer
		if err := json.Indent(&buf, raw, "", "  "); err != nil {
			return err
		}
		_, err := fmt.Fprintf(a.stdout, "%s\n", buf.Bytes())
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	if err := writeObject(tw, raw, ""); err != nil {
		return err
	}
	return tw.Flush()
}

// quantityFields are the members of blocks, transactions and receipts
// that hold numbers, shown in decimal for people.
var quantityFields = map[string]bool{
	"number": true, "blockNumber": true, "nonce": true, "gas": true, "gasPrice": true, "gasUsed": true,
	"gasLimit": true, "cumulativeGasUsed": true, "effectiveGasPrice": true, "value": true,
	"transactionIndex": true, "logIndex": true, "status": true, "type": true, "chainId": true,
	"timestamp": true, "timestampMs": true, "size": true, "difficulty": true, "totalDifficulty": true,
	"maxFeePerGas": true, "maxPriorityFeePerGas": true, "yParity": true, "height": true,
	"totalWork": true, "branchLen": true,
}

// writeObject writes the members of a JSON object in order.
func writeObject(w io.Writer, raw json.RawMessage, indent string) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		_, err := fmt.Fprintf(w, "%s%s\n", indent, raw)
		return err
	}
	for dec.More() {
		keyTok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := keyTok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return err
		}
		fmt.Fprintf(w, "%s%s\t%s\n", indent, key, formatMember(key, val))
	}
	return nil
}

// formatMember shows one member: strings unquoted, quantities (and the
// transaction nonce) in decimal, arrays one element per line.
func formatMember(key string, val json.RawMessage) string {
	var s string
	if json.Unmarshal(val, &s) == nil {
		if quantityFields[key] {
			if n, ok := new(big.Int).SetString(strings.TrimPrefix(s, "0x"), 16); ok && strings.HasPrefix(s, "0x") {
				return n.String()
			}
		}
		return s
	}
	var arr []json.RawMessage
	if json.Unmarshal(val, &arr) == nil {
		if len(arr) == 0 {
			return "[]"
		}
		parts := make([]string, len(arr))
		for i, e := range arr {
			var es string
			if json.Unmarshal(e, &es) == nil {
				parts[i] = es
			} else {
				parts[i] = string(e)
			}
		}
		return strings.Join(parts, "\n\t")
	}
	return string(val)
}
