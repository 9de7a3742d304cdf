print("gugus")
