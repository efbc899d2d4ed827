"""Detection: runs the emergence detector over new messages in event time and stores incidents."""
