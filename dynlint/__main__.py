from dynlint.cli import main

main()
