from dynlint.launcher import main

main()
