from policykit.cli import main

main()
