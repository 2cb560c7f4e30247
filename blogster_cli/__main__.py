from blogster_cli.cli.app import main

main()
