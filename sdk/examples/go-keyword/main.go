//go:build wasip1

package main

import ward "github.com/wardgate/ward/sdk/go"

func init() { ward.Register(newGuard()) }

func main() {}
