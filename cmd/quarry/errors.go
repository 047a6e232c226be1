package main

import (
	"errors"
	"fmt"

	"github.com/quarry-chain/quarry/chain/types"
	"github.com/quarry-chain/quarry/wallet/abi"
	"github.com/quarry-chain/quarry/wallet/bip39"
	"github.com/quarry-chain/quarry/wallet/hd"
	"github.com/quarry-chain/quarry/wallet/keystore"
	"github.com/quarry-chain/quarry/wallet/rpcclient"
	"github.com/quarry-chain/quarry/wallet/units"
)

// Exit codes (see the command documentation).
const (
	exitOK       = 0
	exitNode     = 1
	exitUsage    = 2
	exitWallet   = 3
	exitTxFailed = 4
)

// exitError gives err an exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as a usage error (exit 2).
func usageError(err error) error { return &exitError{exitUsage, err} }

func usagef(format string, args ...any) error { return usageError(fmt.Errorf(format, args...)) }

// walletError marks err as a wallet error (exit 3).
func walletError(err error) error { return &exitError{exitWallet, err} }

// txFailed marks err as a failed or reverted transaction (exit 4).
func txFailed(err error) error { return &exitError{exitTxFailed, err} }

// Kinds whose exit code follows from the error itself, wherever it was
// returned.
var (
	usageKinds = []error{
		units.ErrSyntax, units.ErrNegative, units.ErrUnknownUnit, units.ErrTooManyDecimals, units.ErrOverflow,
		abi.ErrSignature, abi.ErrType, abi.ErrArgCount, abi.ErrValue,
		types.ErrMalformed, rpcclient.ErrBadURL,
	}
	walletKinds = []error{
		keystore.ErrDecrypt, keystore.ErrUnsupportedVersion, keystore.ErrUnsupportedKDF,
		keystore.ErrUnsupportedCipher, keystore.ErrMalformedKeystore, keystore.ErrAddressMismatch,
		keystore.ErrNotFound, keystore.ErrAmbiguous, keystore.ErrAccountExists,
		bip39.ErrInvalidMnemonic, bip39.ErrUnknownWord, bip39.ErrChecksum, bip39.ErrEntropyLength,
		hd.ErrInvalidPath, hd.ErrInvalidChild,
	}
)

// exitCode maps an error from a command to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var rerr *rpcclient.Error
	if errors.As(err, &rerr) {
		if _, reverted := rerr.RevertData(); reverted {
			return exitTxFailed
		}
		return exitNode
	}
	for _, k := range walletKinds {
		if errors.Is(err, k) {
			return exitWallet
		}
	}
	for _, k := range usageKinds {
		if errors.Is(err, k) {
			return exitUsage
		}
	}
	return exitNode
}
