from newsreader.cli import entry

entry()
