from jingsai.cli import main

main()
