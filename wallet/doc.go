// Package wallet holds Quarry's key management: the pieces a wallet needs to
// create, store and recover the secp256k1 keys that sign transactions, in
// the formats Ethereum tools use, so that a Quarry account opens in geth,
// ethers or MetaMask and the other way round.
//
// Subpackages, each usable alone:
//
//	wallet/bip39     mnemonic sentences <-> entropy, sentence -> 64-byte seed
//	wallet/hd        BIP-32 key trees from a seed, BIP-44 paths
//	wallet/keystore  password-encrypted key files (Web3 Secret Storage v3)
//	                 and a geth-compatible keystore directory
//	wallet/abi       Ethereum ABI encoding of calls from signatures such as
//	                 "transfer(address,uint256)", decoding of results and reverts
//	wallet/units     strict parsing and formatting of ether, gwei and wei amounts
//	wallet/rpcclient a small JSON-RPC client that keeps the node's error messages
//
// This package joins the first two into what users ask for:
//
//	mnemonic, passphrase --bip39--> seed --hd--> m/44'/60'/0'/0/i --> key, address
//
// DeriveAccount(m, "", i) gives the same account i as MetaMask, ethers,
// hardhat and anvil for the same sentence; with the development sentence
// "test test ... junk" it gives anvil's ten funded accounts.
//
// Errors are those of the subpackages, wrapped with context: bip39's
// ErrInvalidMnemonic, ErrUnknownWord, ErrChecksum; hd's ErrInvalidPath and,
// with negligible probability, ErrInvalidChild. Match them with errors.Is.
package wallet
