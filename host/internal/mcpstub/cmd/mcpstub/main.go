// Command mcpstub is the test evidence provider of package mcpstub, run
// over stdio. See that package for its flags and behaviours.
package main

import "github.com/decision-gate/dgw/host/internal/mcpstub"

func main() { mcpstub.Main() }
