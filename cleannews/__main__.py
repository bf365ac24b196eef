from cleannews.cli import main

main()
