import FunnelmarkCLI

Funnelmark.main()
