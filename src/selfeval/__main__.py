from selfeval.cli import main

main()
