"""What the bot may state: sourced facts (knowledge/facts.yml) and the answers built from them.

Owns `facts` (loading and auditing facts.yml) and `answers` (the information answers and their menus). It may
import understanding and the base modules, never cases, recruiters or officers.
"""
