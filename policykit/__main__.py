from policykit.cli.app import main

main()
