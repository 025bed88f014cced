package main

import "github.com/spf13/cobra"

// Owned by the send-engine work: send, run, history.

func newSendCmd(io streams) *cobra.Command    { return notYet("send") }
func newRunCmd(io streams) *cobra.Command     { return notYet("run") }
func newHistoryCmd(io streams) *cobra.Command { return notYet("history") }
