"""Bridges to other tools, each an optional extra imported only when asked for.

`cleannews.integrations.datatrove`: pipeline steps for datatrove
(`pip install "cleannews[datatrove]"`).  Nothing here is imported by
`import cleannews`, so the core package never needs these tools.
"""
