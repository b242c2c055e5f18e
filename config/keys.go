package config

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"strings"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"
)

// ParsePrivateKey parses a hex secp256k1 private key (with or without 0x).
// Its errors never contain the key.
func ParsePrivateKey(s Secret) (*ecdsa.PrivateKey, error) {
	k, err := ethcrypto.HexToECDSA(strings.TrimPrefix(strings.TrimSpace(s.Reveal()), "0x"))
	if err != nil {
		return nil, errors.New("invalid secp256k1 private key")
	}
	return k, nil
}

// LoadJWTPublicKey reads the PEM public key of an RS256 or ES256 JWT key and
// checks that its type matches the algorithm.
func LoadJWTPublicKey(k JWTKey) (crypto.PublicKey, error) {
	b, err := os.ReadFile(k.PublicKeyFile)
	if err != nil {
		return nil, fmt.Errorf("read public key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block in public key file")
	}
	pub, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse public key: %w", err)
	}
	switch pub.(type) {
	case *rsa.PublicKey:
		if k.Algorithm != "RS256" {
			return nil, fmt.Errorf("an RSA key cannot be used with %s", k.Algorithm)
		}
	case *ecdsa.PublicKey:
		if k.Algorithm != "ES256" {
			return nil, fmt.Errorf("an ECDSA key cannot be used with %s", k.Algorithm)
		}
	default:
		return nil, fmt.Errorf("unsupported public key type %T", pub)
	}
	return pub, nil
}
