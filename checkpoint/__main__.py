import sys

from checkpoint.cli import main

sys.exit(main())
