from blogster_cli.cli.entry import main

main()
